import { z } from 'zod';

/**
 * LDS has no OpenAPI file; these schemas are LDS-API.md §2 written down. The simulator validates
 * requests with them and the contract tests validate its responses with them.
 */

export const LDS_PROTOCOLS = ['telnet', 'ssh', 'vnc', 'web'] as const;
/** `serial` is what the later client sent verbatim; the simulator accepts it alongside the documented protocols. */
export const ACCEPTED_PROTOCOLS = [...LDS_PROTOCOLS, 'serial'] as const;

export const createSessionRequestSchema = z.object({
  origin: z.string().optional(),
  auth_id: z.string().min(1),
  auth_id_type: z.string().optional(),
  candidate_id: z.string().min(1),
  location: z.string().optional(),
  timezone_offset: z.number().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  rack_group: z.string().optional(),
  rack_number: z.number().optional(),
  scheduled_date: z.string().optional(),
  session_parts: z
    .array(
      z.object({
        repository_type: z.string().min(1),
        form_qualified_name: z.string().min(1),
        variables: z.record(z.string(), z.string()).optional(),
      }),
    )
    .min(1),
});
export type CreateSessionRequest = z.infer<typeof createSessionRequestSchema>;

/** Shape only; the protocol and label uniqueness checks answer 422 naming the field (LDS-API.md §4). */
export const sessionPartDeviceSchema = z.object({
  device_label: z.string().min(1),
  protocol: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535).optional(),
  password: z.string().optional(),
});
export type SessionPartDevice = z.infer<typeof sessionPartDeviceSchema>;

export const LDS_STATES = ['SESSION_PENDING', 'SESSION_RUNNING', 'SESSION_PAUSED', 'SESSION_USER_FINISHED', 'SESSION_ENDED', 'SESSION_ARCHIVED'] as const;
export type LdsState = (typeof LDS_STATES)[number];

export const createSessionResponseSchema = z.object({ session_id: z.string().min(1), state: z.enum(LDS_STATES) }).loose();

export const sessionResponseSchema = z
  .object({
    id: z.string().min(1),
    state: z.enum(LDS_STATES),
    session_parts: z.array(
      z
        .object({
          form_qualified_name: z.string().optional(),
          repository_type: z.string().optional(),
          session_part_state: z.string().optional(),
          track: z.string().optional(),
          exam_version: z.string().optional(),
        })
        .loose(),
    ),
  })
  .loose();

export const devicesResponseSchema = z.array(sessionPartDeviceSchema.loose());
export const launchUrlResponseSchema = z.object({ url: z.url() });
export const labFolderResponseSchema = z.object({ Name: z.string(), Version: z.number().int(), Size: z.number().int().min(0) }).loose();
