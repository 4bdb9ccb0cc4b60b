/**
 * Queues and dead-letter queues: counts, which queue feeds which DLQ, a look
 * at a queue's messages and a redrive back to the source.
 */
import { useState } from 'react';
import { post, seg } from '../api/client.js';
import type { Queue, QueueMessage } from '../api/types.js';
import { Empty, ErrorNote, PageHeader, Placeholder, When } from '../components/common.js';
import { Json } from '../components/json.js';
import { useApi } from '../use-api.js';

const nameOf = (arnOrName: string) => arnOrName.split(':').pop() ?? arnOrName;

export function QueuesPage() {
  const { data, error, reload, loading } = useApi<{ queues: Queue[] }>('/v1/queues?limit=1000');
  const queues = data?.queues ?? [];
  const dlqs = new Set(
    queues.flatMap((q) => (q.deadLetterQueue === null ? [] : [nameOf(q.deadLetterQueue)])),
  );
  return (
    <section>
      <PageHeader title="Queues">
        <button type="button" onClick={reload} disabled={loading}>
          Refresh
        </button>
      </PageHeader>
      <ErrorNote error={error} />
      {data === undefined ? (
        error === undefined && <Placeholder rows={4} />
      ) : queues.length === 0 ? (
        <Empty>No queues yet.</Empty>
      ) : (
        queues.map((q) => (
          <QueueCard
            key={q.arn}
            queue={q}
            isDlq={dlqs.has(q.name)}
            sources={queues.filter((s) => s.deadLetterQueue !== null && nameOf(s.deadLetterQueue) === q.name)}
            onChange={reload}
          />
        ))
      )}
    </section>
  );
}

function QueueCard(props: { queue: Queue; isDlq: boolean; sources: Queue[]; onChange: () => void }) {
  const q = props.queue;
  const [messages, setMessages] = useState<QueueMessage[] | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [note, setNote] = useState('');
  const peek = async () => {
    setError(undefined);
    try {
      const url = `/v1/queues/${seg(q.name)}/messages/receive`;
      const res = await post<{ messages: QueueMessage[] }>(url, { max: 10, visibilityTimeoutSeconds: 0 });
      setMessages(res.messages);
    } catch (err) {
      setError(err as Error);
    }
  };
  const redrive = async () => {
    setError(undefined);
    try {
      const res = await post<{ moved: number }>(`/v1/queues/${seg(q.name)}/redrive`, {});
      setNote(`${res.moved} message(s) moved back to their source queue.`);
      setMessages(undefined);
      props.onChange();
    } catch (err) {
      setError(err as Error);
    }
  };
  // Receiving from a queue with a redrive policy counts toward maxReceiveCount, so only DLQ-less queues are peeked.
  const canPeek = q.deadLetterQueue === null;
  return (
    <article className="panel" aria-labelledby={`q-${q.name}`}>
      <div className="panel-header">
        <h2 id={`q-${q.name}`}>
          {q.name} {props.isDlq ? <span className="tag">dead-letter queue</span> : null}
        </h2>
        <div className="actions">
          {canPeek ? (
            <button type="button" onClick={() => void peek()}>
              Show messages
            </button>
          ) : null}
          {props.isDlq ? (
            <button type="button" onClick={() => void redrive()}>
              Redrive to source
            </button>
          ) : null}
        </div>
      </div>
      <dl className="summary">
        <div>
          <dt>Visible</dt>
          <dd>{q.approximateMessages}</dd>
        </div>
        <div>
          <dt>In flight</dt>
          <dd>{q.approximateMessagesNotVisible}</dd>
        </div>
        <div>
          <dt>Dead-letter queue</dt>
          <dd>
            {q.deadLetterQueue === null
              ? '—'
              : `${nameOf(q.deadLetterQueue)} after ${q.maxReceiveCount} receives`}
          </dd>
        </div>
        {props.sources.length === 0 ? null : (
          <div>
            <dt>Receives from</dt>
            <dd>{props.sources.map((s) => s.name).join(', ')}</dd>
          </div>
        )}
      </dl>
      <ErrorNote error={error} context="The queue action failed" />
      {note === '' ? null : <p role="status">{note}</p>}
      {messages === undefined ? null : <Messages messages={messages} />}
    </article>
  );
}

function Messages(props: { messages: QueueMessage[] }) {
  if (props.messages.length === 0) return <Empty>No visible messages.</Empty>;
  return (
    <table>
      <caption className="sr-only">Messages</caption>
      <thead>
        <tr>
          <th scope="col">Message</th>
          <th scope="col">Sent</th>
          <th scope="col">Receives</th>
          <th scope="col">Body</th>
        </tr>
      </thead>
      <tbody>
        {props.messages.map((m) => (
          <tr key={m.messageId}>
            <td>
              <code>{m.messageId}</code>
            </td>
            <td>
              <When at={typeof m.sentAt === 'string' ? m.sentAt : undefined} />
            </td>
            <td>{m.receiveCount ?? '—'}</td>
            <td>
              <Json value={m.body} label={`Body of ${m.messageId}`} maxHeight={160} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
