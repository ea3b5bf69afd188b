// The settings module's public surface for other modules (.dependency-cruiser.cjs).
export { SystemSettingsRepository } from './infrastructure/system-settings.repository';
