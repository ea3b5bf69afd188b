// The lablet-definitions module's public surface for other modules (.dependency-cruiser.cjs).
export { LabletDefinitionRepository } from './infrastructure/lablet-definition.repository';
