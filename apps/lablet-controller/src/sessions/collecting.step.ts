import { type DeviceAccessInfo, type EvidenceItem } from '@lcm/contracts';
import { type CmlPort } from '@lcm/integrations/cml';
import { buildPodFromDeviceAccess, type GradingPort } from '@lcm/integrations/grading';
import { isConflict, isNotFound } from '@lcm/integrations/http';
import { done, failed } from '@lcm/reconciler-runtime';
import { progressOf } from './instantiation/instantiation-step';
import {
  loadDefinition,
  loadWorker,
  type SessionStep,
  type SessionStepContext,
  transitionSession,
} from './session-step';

/**
 * Decision 17: CML writes each node's running configuration into its stored configuration
 * (`extract_configuration`), which is then read. Nodes that cannot extract (not booted, or a
 * node type without configuration support) contribute no evidence rather than failing the step.
 */
async function collectRunningConfigurations(
  cml: CmlPort,
  labId: string,
  collectedAt: string,
): Promise<EvidenceItem[]> {
  const evidence: EvidenceItem[] = [];
  for (const node of await cml.listNodes(labId)) {
    try {
      await cml.extractConfiguration(labId, node.id);
    } catch (error) {
      if (isConflict(error)) continue;
      throw error;
    }
    // CML-API.md: the main file comes first under its real name (e.g. ios_config.txt); "Main" is
    // only the alias a client may use for it.
    const files = await cml.getNodeConfiguration(labId, node.id);
    const main = files.find((file) => file.name === 'Main') ?? files[0];
    if (main?.content)
      evidence.push({
        node_label: node.label,
        kind: 'running_config',
        content: main.content,
        collected_at: collectedAt,
      });
  }
  return evidence;
}

/** The engine session carries the LabletSession id (events then correlate without a lookup); an existing one is reused. */
async function ensureEngineSession(
  grading: GradingPort,
  context: SessionStepContext,
  partId: string,
  pod: ReturnType<typeof buildPodFromDeviceAccess>,
  ldsSessionId: string | undefined,
) {
  try {
    return await grading.getSession(context.session.id);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return grading.createSession({
    id: context.session.id,
    candidateId: context.session.owner,
    ...(ldsSessionId ? { lds: { id: ldsSessionId, environment: 'lcm' } } : {}),
    parts: [{ id: partId, pod }],
  });
}

/**
 * COLLECTING → GRADING: collect the evidence, build the Pod from the frozen device access list,
 * create and grade the engine session, then record the GradingSession (the control plane moves
 * the session to GRADING). When collection keeps failing, the session goes on to STOPPING.
 */
export const collectingStep: SessionStep = async (context) => {
  const definition = await loadDefinition(context);
  const labId = context.session.cml_lab_id;
  if (!labId) throw new Error(`session ${context.session.id} is COLLECTING without a lab`);
  try {
    const cml = context.systems.cml(await loadWorker(context));
    const devices = (progressOf(context, 'device_access')?.result_data?.['devices'] ??
      []) as DeviceAccessInfo[];
    const formName = definition.form_qualified_name ?? definition.name;
    const evidence = await collectRunningConfigurations(cml, labId, context.clock.now().toISOString());
    const pod = buildPodFromDeviceAccess(context.session.id, devices, {
      collector: definition.grading_collector,
    });
    const ldsSessionId = progressOf(context, 'lds_provision')?.result_data?.['lds_session_id'] as
      string | undefined;
    const engine = await ensureEngineSession(context.systems.grading, context, formName, pod, ldsSessionId);
    await context.systems.grading.gradePart(engine.id, formName);
    await context.cpa.children.createGradingSession({
      params: { lablet_session_id: context.session.id },
      body: {
        grading_session_id: engine.id,
        grading_part_id: formName,
        pod_id: pod.id,
        form_qualified_name: formName,
        ...(definition.grading_rules_uri ? { grading_rules_uri: definition.grading_rules_uri } : {}),
        devices,
        evidence,
      },
    });
    return done();
  } catch (error) {
    if (context.failures + 1 < context.settings.maxInstantiationAttempts) return failed(error);
    const message = error instanceof Error ? error.message : String(error);
    await transitionSession(context, 'STOPPING', `collection_failed: ${message}`.slice(0, 1000));
    return done();
  }
};
