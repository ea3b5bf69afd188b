import { z } from 'zod';
import { defineRoute } from '../http/route';
import { ADMIN_ROLES, READ_ROLES } from '../http/roles';
import { DocumentId } from '../shared/document';
import { DefinitionStatus } from '../shared/enums';
import { ListQuery, OneOrMany, Page, PageOnlyQuery, queryFlag } from '../shared/pagination';
import { PortTemplateEntry, ResourceRequirements } from '../shared/value-objects';
import {
  LabletDefinition,
  LabletDefinitionFields,
  SemVer,
  UserVisibleDevice,
} from './lablet-definition.model';

export const LabletDefinitionParams = z.object({ lablet_definition_id: DocumentId });
export const LabletDefinitionVersionParams = LabletDefinitionParams.extend({ definition_version: SemVer });

const fields = LabletDefinitionFields.shape;

/** Create a definition version (status pending_sync or active as CPA decides); node_count defaults to the YAML's node count. */
export const CreateDefinitionBody = LabletDefinitionFields.extend({
  node_count: fields.node_count.optional(),
  resource_requirements: ResourceRequirements.strict(),
  port_template: z.array(PortTemplateEntry.strict()).default([]),
  license_affinity: fields.license_affinity.default([]),
  form_qualified_name: fields.form_qualified_name.default(null),
  grading_rules_uri: fields.grading_rules_uri.default(null),
  grading_collector: fields.grading_collector.default('ccm'),
  warm_pool_depth: fields.warm_pool_depth.default(0),
  owner_notification: fields.owner_notification.default(null),
  lab_reuse_enabled: fields.lab_reuse_enabled.default(false),
  multi_lab_enabled: fields.multi_lab_enabled.default(false),
  boot_lead_time_minutes: fields.boot_lead_time_minutes.default(null),
  pipelines: fields.pipelines.default({}),
  user_visible_devices: z.array(UserVisibleDevice.strict()).nullable().default(null),
  lab_artifact_uri: fields.lab_artifact_uri.default(null),
}).strict();
export type CreateDefinitionBody = z.infer<typeof CreateDefinitionBody>;

/** Operational flags of an existing version; content fields need a new version. */
export const UpdateDefinitionBody = LabletDefinitionFields.pick({
  lab_reuse_enabled: true,
  multi_lab_enabled: true,
  max_duration_minutes: true,
  warm_pool_depth: true,
  owner_notification: true,
  boot_lead_time_minutes: true,
  user_visible_devices: true,
})
  .extend({ status: DefinitionStatus.extract(['active', 'inactive']) })
  .partial()
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'nothing to update' });
export type UpdateDefinitionBody = z.infer<typeof UpdateDefinitionBody>;

export const ListDefinitionsQuery = ListQuery({
  name: z.string().min(1).optional(),
  status: OneOrMany(DefinitionStatus).optional(),
  include_deprecated: queryFlag(false),
});
export type ListDefinitionsQuery = z.infer<typeof ListDefinitionsQuery>;

const params = LabletDefinitionParams;
const DefinitionPage = Page(LabletDefinition);

/** Public routes: everyone reads, only admins change definitions (spec §5.1). */
export const labletDefinitionsContract = {
  listDefinitions: defineRoute({
    method: 'GET',
    path: '/api/v1/lablet-definitions',
    query: ListDefinitionsQuery,
    responses: { 200: DefinitionPage },
    summary: 'List lablet definitions',
    auth: 'public',
    roles: READ_ROLES,
  }),
  createDefinition: defineRoute({
    method: 'POST',
    path: '/api/v1/lablet-definitions',
    body: CreateDefinitionBody,
    responses: { 201: LabletDefinition },
    summary: 'Create a definition version',
    auth: 'public',
    roles: ADMIN_ROLES,
  }),
  getDefinition: defineRoute({
    method: 'GET',
    path: '/api/v1/lablet-definitions/:lablet_definition_id',
    params,
    responses: { 200: LabletDefinition },
    summary: 'Read one definition version',
    auth: 'public',
    roles: READ_ROLES,
  }),
  updateDefinition: defineRoute({
    method: 'PUT',
    path: '/api/v1/lablet-definitions/:lablet_definition_id',
    params,
    body: UpdateDefinitionBody,
    responses: { 200: LabletDefinition },
    summary: 'Update operational flags',
    auth: 'public',
    roles: ADMIN_ROLES,
  }),
  deprecateDefinition: defineRoute({
    method: 'DELETE',
    path: '/api/v1/lablet-definitions/:lablet_definition_id',
    params,
    responses: { 200: LabletDefinition },
    summary: 'Deprecate a definition version (no new sessions)',
    auth: 'public',
    roles: ADMIN_ROLES,
  }),
  listDefinitionVersions: defineRoute({
    method: 'GET',
    path: '/api/v1/lablet-definitions/:lablet_definition_id/versions',
    params,
    query: PageOnlyQuery,
    responses: { 200: DefinitionPage },
    summary: 'All versions sharing this definition name',
    auth: 'public',
    roles: READ_ROLES,
  }),
  getDefinitionVersion: defineRoute({
    method: 'GET',
    path: '/api/v1/lablet-definitions/:lablet_definition_id/versions/:definition_version',
    params: LabletDefinitionVersionParams,
    responses: { 200: LabletDefinition },
    summary: 'One version of the definition name',
    auth: 'public',
    roles: READ_ROLES,
  }),
};

export const labletDefinitionsInternalContract = {
  listDefinitions: defineRoute({
    method: 'GET',
    path: '/api/internal/lablet-definitions',
    query: ListDefinitionsQuery,
    responses: { 200: DefinitionPage },
    summary: 'List lablet definitions',
    auth: 'internal',
  }),
  getDefinition: defineRoute({
    method: 'GET',
    path: '/api/internal/lablet-definitions/:lablet_definition_id',
    params,
    responses: { 200: LabletDefinition },
    summary: 'Read one definition version',
    auth: 'internal',
  }),
};
