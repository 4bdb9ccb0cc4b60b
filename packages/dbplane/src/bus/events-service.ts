import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '../audit/types.js';
import type { Db } from '../store/db.js';
import type { BusesService } from './buses.js';
import * as sql from './sql.js';
import {
  AUDIT_DETAIL_TYPE,
  EVENTS_CHANNEL,
  type EventEnvelope,
  MAX_PUT_EVENTS_BYTES,
  type PutEventsEntry,
  type PutEventsResult,
} from './types.js';

type Checked =
  | { envelope: Omit<EventEnvelope, 'id' | 'account' | 'region'>; busName: string }
  | PutEventsResult;

function fail(errorCode: string, errorMessage: string): PutEventsResult {
  return { errorCode, errorMessage };
}

function parseDetail(detail: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof detail !== 'string')
    return typeof detail === 'object' && detail !== null && !Array.isArray(detail)
      ? { ok: true, value: detail }
      : { ok: false };
  try {
    const value = JSON.parse(detail) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? { ok: true, value }
      : { ok: false };
  } catch {
    return { ok: false };
  }
}

/** Checks one entry as EventBridge does; an error result names the field. */
function checkEntry(e: PutEventsEntry, now: Date): Checked {
  if (typeof e.source !== 'string' || e.source === '')
    return fail('InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.');
  if (typeof e.detailType !== 'string' || e.detailType === '')
    return fail(
      'InvalidArgument',
      'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
    );
  if (e.detail === undefined)
    return fail('InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.');
  const detail = parseDetail(e.detail);
  if (!detail.ok) return fail('MalformedDetail', 'Detail is malformed.');
  let time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (e.time !== undefined) {
    const t = new Date(e.time);
    if (Number.isNaN(t.getTime())) return fail('InvalidArgument', 'Parameter Time is not valid.');
    time = t.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return {
    busName: busNameOf(e.eventBusName),
    envelope: {
      version: '0',
      'detail-type': e.detailType,
      source: e.source,
      time,
      resources: e.resources ?? [],
      detail: detail.value,
    },
  };
}

/** A bus name from a name or a bus ARN. */
export function busNameOf(nameOrArn: string | undefined): string {
  if (nameOrArn === undefined || nameOrArn === '') return 'default';
  const m = /:event-bus\/(.+)$/.exec(nameOrArn);
  return m?.[1] ?? nameOrArn;
}

/** PutEvents and publishing (audit records, schedules, replays). */
export function createEventsService(deps: { region: string; buses: BusesService }) {
  const { region, buses } = deps;

  const publish = async (
    db: Db,
    p: {
      accountId: string;
      busName: string;
      envelope: Omit<EventEnvelope, 'id' | 'account' | 'region'>;
      replayName?: string;
    },
  ): Promise<string> => {
    const busId = await buses.idOf(db, p.accountId, p.busName);
    const id = randomUUID();
    const envelope = { ...p.envelope, id, account: p.accountId, region };
    const ordered = {
      version: '0',
      id,
      'detail-type': envelope['detail-type'],
      source: envelope.source,
      account: p.accountId,
      time: envelope.time,
      region,
      resources: envelope.resources,
      detail: envelope.detail,
      ...(p.replayName === undefined ? {} : { 'replay-name': p.replayName }),
    };
    await sql.insertEvent(db, {
      id,
      busId,
      envelope: ordered,
      replayName: p.replayName ?? null,
      channel: EVENTS_CHANNEL,
    });
    return id;
  };

  return {
    publish,

    /** Accepts up to 10 entries in one transaction: durable once answered. */
    async put(tx: Db, accountId: string, entries: readonly PutEventsEntry[]) {
      const size = Buffer.byteLength(JSON.stringify(entries));
      if (size > MAX_PUT_EVENTS_BYTES) return { tooLarge: true as const, size };
      const now = new Date();
      const results: PutEventsResult[] = [];
      for (const entry of entries) {
        const checked = checkEntry(entry, now);
        if (!('envelope' in checked)) {
          results.push(checked);
          continue;
        }
        const exists = await buses.find(tx, accountId, checked.busName);
        if (exists === undefined && checked.busName !== 'default') {
          results.push(fail('NotFound', `Event bus ${checked.busName} does not exist.`));
          continue;
        }
        results.push({
          eventId: await publish(tx, { accountId, busName: checked.busName, envelope: checked.envelope }),
        });
      }
      return { failedEntryCount: results.filter((r) => 'errorCode' in r).length, entries: results };
    },

    /** Publishes an audit record on the account's default bus (CloudTrail-like detail), in `db`'s transaction. */
    async publishAudit(db: Db, r: AuditRecord): Promise<void> {
      await publish(db, {
        accountId: r.accountId,
        busName: 'default',
        envelope: {
          version: '0',
          'detail-type': AUDIT_DETAIL_TYPE,
          source: `dbplane.${r.service}`,
          time: new Date(r.eventTime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          resources: r.resourceArn === null ? [] : [r.resourceArn],
          detail: {
            eventVersion: '1.08',
            eventSource: `${r.service}.dbplane`,
            eventName: r.action,
            eventID: r.id,
            eventTime: r.eventTime,
            awsRegion: r.region,
            requestID: r.requestId,
            sourceIPAddress: r.sourceIp,
            userAgent: r.userAgent,
            userIdentity: { type: 'ApiKey', accountId: r.accountId, ...r.principal },
            requestParameters: r.requestParameters ?? null,
            responseElements: r.responseElements ?? null,
            errorCode: r.errorCode,
            errorMessage: r.errorMessage,
          },
        },
      });
    },
  };
}

export type EventsService = ReturnType<typeof createEventsService>;
