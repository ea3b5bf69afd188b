import { createRootRoute, createRoute, createRouter, lazyRouteComponent } from '@tanstack/react-router';
import { Layout } from './layout';

const root = createRootRoute({ component: Layout });
const getParentRoute = () => root;

/*
 * Every page is its own chunk, loaded when its route is first visited (or hovered: preload on
 * intent), so the first load carries the shell only; the charts of the worker and scheduler pages
 * come with those pages. One createRoute per page keeps each path literal, so links and params are
 * checked at compile time.
 */
const routeTree = root.addChildren([
  createRoute({
    getParentRoute,
    path: '/',
    component: lazyRouteComponent(() => import('../features/overview/overview-page'), 'OverviewPage'),
  }),
  createRoute({
    getParentRoute,
    path: '/sessions',
    component: lazyRouteComponent(() => import('../features/sessions/sessions-page'), 'SessionsPage'),
  }),
  createRoute({
    getParentRoute,
    path: '/sessions/$sessionId',
    component: lazyRouteComponent(
      () => import('../features/sessions/session-detail-page'),
      'SessionDetailPage',
    ),
  }),
  createRoute({
    getParentRoute,
    path: '/workers',
    component: lazyRouteComponent(() => import('../features/workers/workers-page'), 'WorkersPage'),
  }),
  createRoute({
    getParentRoute,
    path: '/workers/$workerId',
    component: lazyRouteComponent(() => import('../features/workers/worker-detail-page'), 'WorkerDetailPage'),
  }),
  createRoute({
    getParentRoute,
    path: '/templates',
    component: lazyRouteComponent(() => import('../features/templates/templates-page'), 'TemplatesPage'),
  }),
  createRoute({
    getParentRoute,
    path: '/definitions',
    component: lazyRouteComponent(
      () => import('../features/definitions/definitions-page'),
      'DefinitionsPage',
    ),
  }),
  createRoute({
    getParentRoute,
    path: '/labs',
    component: lazyRouteComponent(() => import('../features/labs/labs-page'), 'LabsPage'),
  }),
  createRoute({
    getParentRoute,
    path: '/reservations',
    component: lazyRouteComponent(
      () => import('../features/reservations/reservations-page'),
      'ReservationsPage',
    ),
  }),
  createRoute({
    getParentRoute,
    path: '/capacity',
    component: lazyRouteComponent(() => import('../features/capacity/capacity-page'), 'CapacityPage'),
  }),
  createRoute({
    getParentRoute,
    path: '/scheduler',
    component: lazyRouteComponent(() => import('../features/scheduler/scheduler-page'), 'SchedulerPage'),
  }),
  createRoute({
    getParentRoute,
    path: '/system',
    component: lazyRouteComponent(() => import('../features/system/system-page'), 'SystemPage'),
  }),
  createRoute({
    getParentRoute,
    path: '/audit',
    component: lazyRouteComponent(() => import('../features/audit/audit-page'), 'AuditPage'),
  }),
]);

export const router = createRouter({ routeTree, defaultPreload: 'intent' });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
