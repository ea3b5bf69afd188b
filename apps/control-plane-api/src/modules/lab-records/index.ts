// The lab-records module's public surface for other modules (.dependency-cruiser.cjs).
export { ApplyWorkerLossCommand, type WorkerLoss } from './application/commands/apply-worker-loss.command';
export { ListLabRecordsQuery } from './application/queries/list-lab-records.query';
export { LabRecordRepository } from './infrastructure/lab-record.repository';
export { toLabRecordSummary } from './infrastructure/lab-record.views';
