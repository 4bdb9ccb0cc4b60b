import { NotFoundError, ValidationError } from '../errors/index.js';
import type { Db } from '../store/db.js';
import * as sql from './sql.js';
import { CURRENT, PREVIOUS } from './types.js';

/** What `UpdateSecretVersionStage` asks: move `versionStage` to one version and/or off another. */
export interface StageMove {
  versionStage: string;
  moveToVersionId?: string | undefined;
  removeFromVersionId?: string | undefined;
}

/**
 * Moves a staging label with Secrets Manager's rules: a label sits on one
 * version at most; moving AWSCURRENT puts AWSPREVIOUS on the old current one;
 * AWSCURRENT cannot be removed without a new home.
 */
export async function moveStage(tx: Db, row: Readonly<{ id: string }>, p: StageMove): Promise<void> {
  const vs = await sql.versions(tx, row.id);
  const holder = vs.find((v) => v.stages.includes(p.versionStage));
  if (
    holder !== undefined &&
    p.moveToVersionId !== undefined &&
    holder.version_id !== p.removeFromVersionId &&
    holder.version_id !== p.moveToVersionId
  ) {
    throw new ValidationError([
      {
        path: '/removeFromVersionId',
        message: `the label is on version ${holder.version_id}; name it to move the label`,
      },
    ]);
  }
  if (p.moveToVersionId !== undefined && !vs.some((v) => v.version_id === p.moveToVersionId)) {
    throw new NotFoundError('secret version', p.moveToVersionId);
  }
  if (p.removeFromVersionId !== undefined) {
    if (holder?.version_id !== p.removeFromVersionId)
      throw new ValidationError([
        { path: '/removeFromVersionId', message: 'the version does not carry this label' },
      ]);
    if (p.versionStage === CURRENT && p.moveToVersionId === undefined)
      throw new ValidationError([{ path: '/moveToVersionId', message: 'AWSCURRENT must stay on a version' }]);
    await sql.removeStage(tx, row.id, p.versionStage);
  }
  if (p.moveToVersionId !== undefined && holder?.version_id !== p.moveToVersionId) {
    if (p.versionStage === CURRENT && holder !== undefined) {
      await sql.removeStage(tx, row.id, PREVIOUS);
      await sql.addStage(tx, row.id, holder.version_id, PREVIOUS);
    }
    await sql.addStage(tx, row.id, p.moveToVersionId, p.versionStage);
  }
}
