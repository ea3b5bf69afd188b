// The worker-templates module's public surface for other modules (.dependency-cruiser.cjs).
export { WorkerTemplateRepository } from './infrastructure/worker-template.repository';
