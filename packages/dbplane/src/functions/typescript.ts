import { transform } from 'esbuild';
import { ValidationError } from '../errors/index.js';

/**
 * Compiles TypeScript files of a function's code to JavaScript beside them
 * (`index.ts` → `index.js`, `.mts` → `.mjs`), so a `handler: index.handler`
 * works for either. A compile error is a problem at `/code` naming the file
 * and line; nothing is stored.
 */
export async function compileTypeScript(
  files: Record<string, Uint8Array>,
): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = { ...files };
  for (const [name, data] of Object.entries(files)) {
    const m = /^(.*)\.(m?)ts$/.exec(name);
    if (m === null || name.endsWith('.d.ts')) continue;
    try {
      const result = await transform(Buffer.from(data).toString('utf8'), {
        loader: 'ts',
        format: 'esm',
        target: 'node20',
        sourcefile: name,
        sourcemap: 'inline',
      });
      out[`${m[1]}.${m[2] === 'm' ? 'mjs' : 'js'}`] = Buffer.from(result.code);
    } catch (err) {
      const e = err as { errors?: { text: string; location?: { line: number } | null }[] };
      const first = e.errors?.[0];
      const where = first?.location ? `${name}:${first.location.line}` : name;
      throw new ValidationError([
        { path: '/code', message: `TypeScript in ${where} does not compile: ${first?.text ?? String(err)}` },
      ]);
    }
  }
  return out;
}
