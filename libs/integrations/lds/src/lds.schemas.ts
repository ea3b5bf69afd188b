import { z } from 'zod';

// Wire shapes of the LDS Reservations API v3 (LDS-API.md §2). There is no OpenAPI file; the
// shapes follow the staging-validated client, so everything beyond what LCM reads is optional.

export const ldsSessionPartDeviceSchema = z.object({
  device_label: z.string().min(1),
  protocol: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535).optional(),
  password: z.string().optional(),
});

export const ldsCreatedSessionSchema = z.object({ session_id: z.string().min(1) });

export const ldsDevicesSchema = z.array(ldsSessionPartDeviceSchema.partial({ host: true, protocol: true }));

export const ldsSessionSchema = z.object({
  id: z.string(),
  state: z.string(),
  session_parts: z
    .array(
      z.object({
        form_qualified_name: z.string().nullish(),
        track: z.string().nullish(),
        exam_version: z.string().nullish(),
        repository_type: z.string().nullish(),
        session_part_state: z.string().nullish(),
      }),
    )
    .default([]),
});

export const ldsLaunchUrlSchema = z.object({ url: z.string().min(1) });

/** `PUT /lab_folder/minio/{fqn}` answers a LabFolder with PascalCase fields. */
export const ldsLabFolderSchema = z.object({ Version: z.union([z.string(), z.number()]).nullish(), Size: z.number().nullish() });

export type LdsSessionPartDevice = z.infer<typeof ldsSessionPartDeviceSchema>;
export type LdsStoredDevice = z.output<typeof ldsDevicesSchema>[number];
export type LdsSession = z.output<typeof ldsSessionSchema>;
export type LdsLabFolder = z.output<typeof ldsLabFolderSchema>;

/** Body of `POST /lab_session`. */
export interface LdsCreateSessionBody {
  origin: string;
  auth_id: string;
  auth_id_type: string;
  candidate_id: string;
  location: string;
  timezone_offset: number;
  first_name: string;
  last_name: string;
  rack_group: string;
  rack_number: number;
  scheduled_date: string;
  session_parts: Array<{ repository_type: 'minio'; form_qualified_name: string; variables?: Record<string, string> }>;
}
