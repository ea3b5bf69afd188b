// The lab-records module's public surface for other modules (.dependency-cruiser.cjs).
export { LabRecordRepository } from './infrastructure/lab-record.repository';
