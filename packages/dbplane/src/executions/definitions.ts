import type { Db } from '../store/db.js';
import type { Engine } from './engine-types.js';

/**
 * Compiled definitions by machine id and revision. Revisions never change,
 * so entries never go stale; the cache is bounded by `max` entries.
 */
export function createDefinitionCache<M>(engine: Engine<M>, max = 500) {
  const cache = new Map<string, M>();
  return {
    async get(db: Db, machineId: string, revision: number): Promise<M> {
      const key = `${machineId}:${revision}`;
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const r = await db.query<{ definition: unknown }>(
        'SELECT definition FROM state_machine_revisions WHERE machine_id = $1 AND revision = $2',
        [machineId, revision],
      );
      const row = r.rows[0];
      if (row === undefined) throw new Error(`revision ${key} is missing`);
      const compiled = engine.compile(row.definition);
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(key, compiled);
      return compiled;
    },
  };
}

export type DefinitionCache<M> = ReturnType<typeof createDefinitionCache<M>>;
