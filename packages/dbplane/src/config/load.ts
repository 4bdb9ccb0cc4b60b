import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { DbplaneError, ErrorCode } from '../errors/index.js';
import { type Config, ConfigSchema, type SettingName, settings } from './schema.js';

type Layer = Partial<Record<SettingName, unknown>>;

export interface LoadConfigOptions {
  /** Values from command-line flags (highest precedence). */
  flags?: Layer;
  /** The environment to read `DBPLANE_*` from. */
  env?: Readonly<Record<string, string | undefined>>;
  /** A YAML or JSON config file; also `DBPLANE_CONFIG`. */
  file?: string | undefined;
}

/** A bad setting, named by where it came from (`DBPLANE_PORT`, `--port`, `config.yaml: port`). */
export class ConfigError extends DbplaneError {
  constructor(message: string) {
    super(ErrorCode.Config, message);
    this.name = 'ConfigError';
  }
}

/**
 * Builds the configuration from defaults < file < environment < flags and
 * validates it once; the error names every bad setting and its source.
 *
 * @example
 * const config = loadConfig({ env: process.env, flags: { port: 8080 } });
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? {};
  const sources = new Map<SettingName, string>();
  const merged: Layer = {};
  const apply = (layer: Layer, label: (k: SettingName) => string) => {
    for (const [key, value] of Object.entries(layer) as [SettingName, unknown][]) {
      if (value === undefined) continue;
      merged[key] = value;
      sources.set(key, label(key));
    }
  };
  apply(defaults(), (k) => `default ${k}`);
  const file = options.file ?? env.DBPLANE_CONFIG;
  if (file !== undefined && file !== '') apply(readFileLayer(file), (k) => `${file}: ${k}`);
  apply(envLayer(env), (k) => settings[k].env);
  apply(options.flags ?? {}, (k) => `--${kebab(settings[k].flag)}`);
  return validate(merged, sources);
}

function defaults(): Layer {
  const layer: Layer = {};
  for (const [key, s] of Object.entries(settings) as [SettingName, { default: unknown }][])
    layer[key] = s.default;
  return layer;
}

function envLayer(env: Readonly<Record<string, string | undefined>>): Layer {
  const layer: Layer = {};
  for (const [key, s] of Object.entries(settings) as [SettingName, { env: string; default: unknown }][]) {
    const raw = env[s.env];
    if (raw === undefined || raw === '') continue;
    layer[key] = typeof s.default === 'number' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  }
  return layer;
}

function readFileLayer(file: string): Layer {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(resolve(file), 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file} must hold a mapping of settings`);
  }
  const unknown = Object.keys(parsed).filter((k) => !(k in settings));
  if (unknown.length > 0) {
    throw new ConfigError(`config file ${file}: unknown setting(s) ${unknown.join(', ')}`);
  }
  return parsed as Layer;
}

function validate(merged: Layer, sources: Map<SettingName, string>): Config {
  if (Value.Check(ConfigSchema, merged)) return merged;
  const messages = [...Value.Errors(ConfigSchema, merged)].map((e) => {
    const key = e.path.split('/')[1] as SettingName | undefined;
    const where = key === undefined ? 'config' : (sources.get(key) ?? key);
    return `${where}: ${e.message} (got ${JSON.stringify(key === undefined ? undefined : merged[key])})`;
  });
  throw new ConfigError(`invalid configuration: ${[...new Set(messages)].join('; ')}`);
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
