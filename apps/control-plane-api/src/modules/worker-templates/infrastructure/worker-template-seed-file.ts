import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CreateWorkerTemplateBody, toFieldErrors } from '@lcm/contracts';

/** The seed file shipped with the app; WORKER_TEMPLATES_SEED_FILE replaces it. */
export const DEFAULT_WORKER_TEMPLATES_SEED_FILE = path.resolve(
  __dirname,
  '../../../../seeds/worker-templates.yaml',
);

const SeedFile = z.strictObject({ worker_templates: z.array(CreateWorkerTemplateBody) });

export class InvalidSeedFileError extends Error {
  constructor(file: string, problems: string[]) {
    super(`worker template seed file ${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Templates of a seed file, validated like a create request; a bad file stops the start-up. */
export async function readWorkerTemplateSeeds(file: string): Promise<CreateWorkerTemplateBody[]> {
  const parsed = SeedFile.safeParse(parse(await readFile(file, 'utf8')));
  if (!parsed.success)
    throw new InvalidSeedFileError(
      file,
      toFieldErrors(parsed.error).map((e) => `${e.field}: ${e.message}`),
    );
  return parsed.data.worker_templates;
}
