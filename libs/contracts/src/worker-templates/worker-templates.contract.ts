import { z } from 'zod';
import { defineRoute } from '../http/route';
import { ADMIN_ROLES, READ_ROLES } from '../http/roles';
import { DocumentId } from '../shared/document';
import { ListQuery, Page, queryFlag } from '../shared/pagination';
import { DEFAULT_PORT_RANGE, WorkerTemplate, WorkerTemplateFields } from './worker-template.model';

export const WorkerTemplateParams = z.object({ worker_template_id: DocumentId });

export const CreateWorkerTemplateBody = WorkerTemplateFields.extend({
  description: WorkerTemplateFields.shape.description.default(null),
  capacity: WorkerTemplateFields.shape.capacity.strict(),
  startup_time_minutes: WorkerTemplateFields.shape.startup_time_minutes.default(20),
  port_range: WorkerTemplateFields.shape.port_range.default(DEFAULT_PORT_RANGE),
  drain_timeout_hours: WorkerTemplateFields.shape.drain_timeout_hours.default(4),
  cost_per_hour_usd: WorkerTemplateFields.shape.cost_per_hour_usd.default(null),
  enabled: WorkerTemplateFields.shape.enabled.default(true),
}).strict();
export type CreateWorkerTemplateBody = z.infer<typeof CreateWorkerTemplateBody>;

export const UpdateWorkerTemplateBody = WorkerTemplateFields.extend({
  capacity: WorkerTemplateFields.shape.capacity.strict(),
})
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'nothing to update' });
export type UpdateWorkerTemplateBody = z.infer<typeof UpdateWorkerTemplateBody>;

export const ListWorkerTemplatesQuery = ListQuery({
  region: z.string().min(1).optional(),
  enabled_only: queryFlag(false),
});
export type ListWorkerTemplatesQuery = z.infer<typeof ListWorkerTemplatesQuery>;

const params = WorkerTemplateParams;
const TemplatePage = Page(WorkerTemplate);

/** Public routes: everyone reads, only admins change templates (spec §5.1). */
export const workerTemplatesContract = {
  listWorkerTemplates: defineRoute({
    method: 'GET',
    path: '/api/v1/worker-templates',
    query: ListWorkerTemplatesQuery,
    responses: { 200: TemplatePage },
    summary: 'List worker templates',
    auth: 'public',
    roles: READ_ROLES,
  }),
  createWorkerTemplate: defineRoute({
    method: 'POST',
    path: '/api/v1/worker-templates',
    body: CreateWorkerTemplateBody,
    responses: { 201: WorkerTemplate },
    summary: 'Create a worker template',
    auth: 'public',
    roles: ADMIN_ROLES,
  }),
  getWorkerTemplate: defineRoute({
    method: 'GET',
    path: '/api/v1/worker-templates/:worker_template_id',
    params,
    responses: { 200: WorkerTemplate },
    summary: 'Read one worker template',
    auth: 'public',
    roles: READ_ROLES,
  }),
  updateWorkerTemplate: defineRoute({
    method: 'PUT',
    path: '/api/v1/worker-templates/:worker_template_id',
    params,
    body: UpdateWorkerTemplateBody,
    responses: { 200: WorkerTemplate },
    summary: 'Update a worker template',
    auth: 'public',
    roles: ADMIN_ROLES,
  }),
  deleteWorkerTemplate: defineRoute({
    method: 'DELETE',
    path: '/api/v1/worker-templates/:worker_template_id',
    params,
    responses: { 204: null },
    summary: 'Delete a template no worker uses (409 otherwise)',
    auth: 'public',
    roles: ADMIN_ROLES,
  }),
};

export const workerTemplatesInternalContract = {
  listWorkerTemplates: defineRoute({
    method: 'GET',
    path: '/api/internal/worker-templates',
    query: ListWorkerTemplatesQuery,
    responses: { 200: TemplatePage },
    summary: 'List worker templates',
    auth: 'internal',
  }),
  getWorkerTemplate: defineRoute({
    method: 'GET',
    path: '/api/internal/worker-templates/:worker_template_id',
    params,
    responses: { 200: WorkerTemplate },
    summary: 'Read one worker template',
    auth: 'internal',
  }),
};
