import { createRootRoute, createRoute, createRouter } from '@tanstack/react-router';
import { AuditPage } from '../features/audit/audit-page';
import { CapacityPage } from '../features/capacity/capacity-page';
import { DefinitionsPage } from '../features/definitions/definitions-page';
import { LabsPage } from '../features/labs/labs-page';
import { OverviewPage } from '../features/overview/overview-page';
import { ReservationsPage } from '../features/reservations/reservations-page';
import { SchedulerPage } from '../features/scheduler/scheduler-page';
import { SessionDetailPage } from '../features/sessions/session-detail-page';
import { SessionsPage } from '../features/sessions/sessions-page';
import { SystemPage } from '../features/system/system-page';
import { TemplatesPage } from '../features/templates/templates-page';
import { WorkerDetailPage } from '../features/workers/worker-detail-page';
import { WorkersPage } from '../features/workers/workers-page';
import { Layout } from './layout';

const root = createRootRoute({ component: Layout });
const getParentRoute = () => root;

// One createRoute per page keeps each path literal, so links and params are checked at compile time.
const routeTree = root.addChildren([
  createRoute({ getParentRoute, path: '/', component: OverviewPage }),
  createRoute({ getParentRoute, path: '/sessions', component: SessionsPage }),
  createRoute({ getParentRoute, path: '/sessions/$sessionId', component: SessionDetailPage }),
  createRoute({ getParentRoute, path: '/workers', component: WorkersPage }),
  createRoute({ getParentRoute, path: '/workers/$workerId', component: WorkerDetailPage }),
  createRoute({ getParentRoute, path: '/templates', component: TemplatesPage }),
  createRoute({ getParentRoute, path: '/definitions', component: DefinitionsPage }),
  createRoute({ getParentRoute, path: '/labs', component: LabsPage }),
  createRoute({ getParentRoute, path: '/reservations', component: ReservationsPage }),
  createRoute({ getParentRoute, path: '/capacity', component: CapacityPage }),
  createRoute({ getParentRoute, path: '/scheduler', component: SchedulerPage }),
  createRoute({ getParentRoute, path: '/system', component: SystemPage }),
  createRoute({ getParentRoute, path: '/audit', component: AuditPage }),
]);

export const router = createRouter({ routeTree, defaultPreload: 'intent' });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
