/** The console's pages by path. */
import type { ReactElement } from 'react';
import { AuditPage } from './pages/audit.js';
import { DatabasesPage } from './pages/databases.js';
import { ExecutionPage } from './pages/execution.js';
import { QueuesPage } from './pages/queues.js';
import { RulesPage } from './pages/rules.js';
import { StateMachinePage } from './pages/state-machine.js';
import { StateMachinesPage } from './pages/state-machines.js';

type Params = Record<string, string>;

export const routes: ReadonlyArray<readonly [string, (p: Params) => ReactElement]> = [
  ['/state-machines', () => <StateMachinesPage />],
  ['/state-machines/:name', (p) => <StateMachinePage key={p.name} name={p.name ?? ''} />],
  [
    '/state-machines/:name/executions/:execution',
    (p) => (
      <ExecutionPage key={`${p.name}/${p.execution}`} machine={p.name ?? ''} execution={p.execution ?? ''} />
    ),
  ],
  ['/databases', () => <DatabasesPage />],
  ['/rules', () => <RulesPage />],
  ['/queues', () => <QueuesPage />],
  ['/audit', () => <AuditPage />],
];
