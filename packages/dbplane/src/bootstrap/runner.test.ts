import { describe, expect, it } from 'vitest';
import { generatedSecretName } from './runner.js';

describe('generatedSecretName', () => {
  it('keeps plain names and escapes what a secret name cannot hold, distinctly', () => {
    expect(generatedSecretName('pg-main', 'app_rw')).toBe('dbplane/bootstrap/pg-main/app_rw');
    expect(generatedSecretName('m', 'app@%')).toBe('dbplane/bootstrap/m/app@=25');
    const hostile = generatedSecretName('pg', `a"b';DROP ü =`);
    expect(hostile).toMatch(/^[A-Za-z0-9/_+=.@-]+$/);
    expect(hostile).not.toBe(generatedSecretName('pg', `a"b';DROP u =`));
    expect(generatedSecretName('pg', 'a=3d')).not.toBe(generatedSecretName('pg', 'a='));
    const long = generatedSecretName('i'.repeat(80), 'é'.repeat(31));
    expect(long.length).toBe(256);
    expect(long).not.toBe(generatedSecretName('i'.repeat(80), `${'é'.repeat(30)}e`));
  });
});
