import { type WorkerTemplate } from '@lcm/domain';
import { ApiError } from '../../../platform/http/api-error';
import { type WorkerTemplateRepository } from '../../worker-templates';

/** The template a new worker is made from: 404 when unknown, 400 when disabled. */
export async function enabledTemplate(
  templates: WorkerTemplateRepository,
  templateId: string,
): Promise<WorkerTemplate> {
  const template = await templates.getById(templateId);
  if (!template.enabled) {
    throw new ApiError('INVALID_REQUEST', `worker template ${template.name} is disabled`, [
      { field: 'body.template_id', message: 'template is disabled' },
    ]);
  }
  return template;
}

/** A readable default name: the template's name and the start of the worker id. */
export const defaultWorkerName = (template: WorkerTemplate, workerId: string): string =>
  `${template.name}-${workerId.slice(0, 8)}`;
