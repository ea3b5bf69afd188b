import { z } from 'zod';

// GradingEngine v1 wire shapes (GRADING-API.md §2). Statuses are free strings in the OAS, so they
// are kept as strings; nullable-everything mirrors the engine's .NET serialisation.

const authenticationSchema = z.object({ scheme: z.string(), properties: z.record(z.string(), z.string()).nullish() });

export const gradingDeviceInterfaceSchema = z.object({
  name: z.string(),
  protocol: z.string(),
  host: z.string(),
  port: z.number().int().nullish(),
  authentication: authenticationSchema.nullish(),
  configuration: z.record(z.string(), z.unknown()).nullish(),
});

export const gradingDeviceSchema = z.object({
  label: z.string(),
  hostname: z.string(),
  collector: z.string(),
  interfaces: z.array(gradingDeviceInterfaceSchema).default([]),
});

export const gradingPodSchema = z.object({ id: z.string().nullish(), devices: z.array(gradingDeviceSchema).nullish() });

const questionScoreSchema = z.object({
  id: z.string().nullish(),
  score: z.number().nullish(),
  maxScore: z.number().nullish(),
  expectedAnswers: z.array(z.string()).nullish(),
  actualAnswers: z.array(z.unknown()).nullish(),
  matchedAnswers: z.array(z.string()).nullish(),
  rule: z.string().nullish(),
});

const evaluationResultSchema = z.object({
  ruleIndex: z.number().int(),
  command: z.string().nullish(),
  commandOutput: z.string().nullish(),
  inputVariable: z.string().nullish(),
  outputVariables: z.record(z.string(), z.string()).nullish(),
  issue: z.object({ type: z.string().nullish(), description: z.string().nullish() }).nullish(),
});

const itemScoreSchema = z.object({
  id: z.string().nullish(),
  score: z.number().nullish(),
  maxScore: z.number().nullish(),
  type: z.string().nullish(),
  fieldTest: z.boolean().nullish(),
  evaluationResults: z.array(evaluationResultSchema).nullish(),
  questions: z.array(questionScoreSchema).nullish(),
});

const sectionScoreSchema = z.object({
  id: z.string().nullish(),
  createdAt: z.string().nullish(),
  lastModified: z.string().nullish(),
  score: z.number(),
  maxScore: z.number(),
  items: z.array(itemScoreSchema).nullish(),
});

export const gradingScoreReportSchema = z.object({
  createdAt: z.string().nullish(),
  lastModified: z.string().nullish(),
  gradingRulesetVersion: z.string().nullish(),
  scoringRulesetVersion: z.number().nullish(),
  generation: z.number().int(),
  revision: z.number().int(),
  score: z.number(),
  maxScore: z.number(),
  sections: z.array(sectionScoreSchema).nullish(),
  variables: z.record(z.string(), z.unknown()).nullish(),
});

export const gradingSessionPartSchema = z.object({
  id: z.string(),
  createdAt: z.string().nullish(),
  lastModified: z.string().nullish(),
  firstGraded: z.string().nullish(),
  lastSubmitted: z.string().nullish(),
  status: z.string().nullish(),
  statusReason: z.string().nullish(),
  pod: gradingPodSchema.nullish(),
  scoreReport: gradingScoreReportSchema.nullish(),
});

export const gradingSessionSchema = z.object({
  id: z.string(),
  candidateId: z.string(),
  createdAt: z.string().nullish(),
  lastModified: z.string().nullish(),
  lds: z.object({ id: z.string().nullish(), environment: z.string().nullish() }).nullish(),
  status: z.string().nullish(),
  parts: z.array(gradingSessionPartSchema).default([]),
});

export type GradingDeviceInterface = z.output<typeof gradingDeviceInterfaceSchema>;
export type GradingDevice = z.output<typeof gradingDeviceSchema>;
export type GradingPod = { id: string; devices: GradingDevice[] };
export type GradingScoreReport = z.output<typeof gradingScoreReportSchema>;
export type GradingSessionPart = z.output<typeof gradingSessionPartSchema>;
export type GradingSession = z.output<typeof gradingSessionSchema>;

export interface GradingCreateSessionPart {
  /** Form qualified name of the LabletDefinition. */
  id: string;
  pod?: GradingPod;
}

export interface GradingCreateSessionCommand {
  /** LCM uses the LabletSession id so engine events correlate without a lookup. */
  id?: string;
  candidateId: string;
  lds?: { id: string; environment: string };
  parts?: GradingCreateSessionPart[];
}

export interface GradingScoringRequirements {
  version?: number;
  rereadScore: number;
  cutScore: number;
  minScore: number;
}
