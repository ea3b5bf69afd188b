import { type LabRecord } from '@lcm/contracts';
import { orderReuseCandidates, replacePortPlaceholders, reuseNeedsWipe } from '@lcm/domain';
import { isNotFound } from '@lcm/integrations/http';
import { reportLabStatus, teardownLab } from '../../labs/lab-operations';
import { type SessionStepContext } from '../session-step';
import {
  type InstantiationContext,
  type InstantiationStep,
  progressOf,
  type StepOutcome,
} from './instantiation-step';

const TERMINAL_LAB_STATUSES = new Set(['DELETED', 'ARCHIVED', 'ORPHANED', 'ERROR']);

/** CML titles are 1–64 characters; the session id makes the title findable after a crash. */
export const importTitle = (definitionName: string, sessionId: string): string =>
  `${definitionName.slice(0, 26).trim()} ${sessionId}`;

/** The labs of the session's definition on its worker: reuse candidates and an import registered for it. */
export async function labsOfDefinition(context: SessionStepContext, workerId: string): Promise<LabRecord[]> {
  const page = await context.cpa.labs.list({
    query: { worker_id: workerId, based_on_definition_id: context.session.definition_id, limit: 200 },
  });
  return page.items;
}

/** What the scheduled step read while it started the instantiation, else a fresh list. */
function takeLabsOfDefinition(context: InstantiationContext): Promise<LabRecord[]> {
  const prefetched = context.loaded?.labsOfDefinition;
  if (!prefetched) return labsOfDefinition(context, context.worker.id);
  delete context.loaded?.labsOfDefinition;
  return prefetched;
}

/**
 * Spec §7.3.1: a WIPED (else STOPPED, wiped first) lab of the same definition on the worker when
 * reuse is enabled, skipping ghosts (gone from CML: marked ORPHANED); otherwise a cold import,
 * registered as an IMPORTING LabRecord before anything reaches CML, so a crash leaves a record
 * (which this step finds again by its session), never an untracked lab.
 */
export const labResolveStep: InstantiationStep = {
  name: 'lab_resolve',
  async run(context: InstantiationContext): Promise<StepOutcome> {
    const { session, definition } = context;
    if (session.lab_record_id)
      return {
        kind: 'completed',
        data: {
          lab_record_id: session.lab_record_id,
          mode: progressOf(context, 'lab_resolve')?.result_data?.['mode'] ?? 'reuse',
        },
      };
    const labs = await takeLabsOfDefinition(context);
    const registered = labs.find(
      (lab) => lab.active_lablet_session_id === session.id && !TERMINAL_LAB_STATUSES.has(lab.status),
    );
    if (registered) return { kind: 'completed', data: { lab_record_id: registered.id, mode: 'import' } };

    if (definition.lab_reuse_enabled) {
      for (const candidate of orderReuseCandidates(labs, definition.id, context.worker.id, session.id)) {
        const outcome = await prepareForReuse(context, candidate);
        if (outcome === 'ready')
          return {
            kind: 'completed',
            data: {
              lab_record_id: candidate.id,
              cml_lab_id: candidate.runtime_binding.lab_id,
              mode: 'reuse',
            },
          };
        if (outcome === 'waiting')
          return {
            kind: 'wait',
            afterMs: context.settings.labPollIntervalMs,
            reason: `wiping lab ${candidate.id} for reuse`,
          };
      }
    }
    const record = await context.cpa.labs.create({
      body: {
        worker_id: context.worker.id,
        title: importTitle(definition.name, session.id),
        topology_yaml: replacePortPlaceholders(definition.topology_yaml, session.allocated_ports),
        based_on_definition_id: definition.id,
        lablet_session_id: session.id,
      },
    });
    (context.loaded ??= {}).createdLab = record;
    return { kind: 'completed', data: { lab_record_id: record.id, mode: 'import' } };
  },
};

async function prepareForReuse(
  context: InstantiationContext,
  candidate: LabRecord,
): Promise<'ready' | 'waiting' | 'ghost'> {
  try {
    await context.cml.getLab(candidate.runtime_binding.lab_id);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    context.log.warn(
      { lab_record_id: candidate.id },
      'reuse candidate is gone from CML; marking it ORPHANED',
    );
    await reportLabStatus(context, candidate, 'ORPHANED', {
      error_message: 'not found on CML during lab resolution',
    });
    return 'ghost';
  }
  if (!reuseNeedsWipe(candidate.status)) return 'ready';
  const progress = await teardownLab(context, context.cml, candidate, 'WIPED');
  return progress === 'done' ? 'ready' : progress === 'waiting' ? 'waiting' : 'ghost';
}
