import type { Role } from '../shared/enums';

// Role matrix of spec §5.1: everybody reads; operators act; only admins configure.
export const READ_ROLES = ['admin', 'manager', 'user'] as const satisfies readonly Role[];
export const OPERATOR_ROLES = ['admin', 'manager'] as const satisfies readonly Role[];
export const ADMIN_ROLES = ['admin'] as const satisfies readonly Role[];
