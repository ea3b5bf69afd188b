import { type Role } from '@lcm/contracts';

export interface DevUser {
  username: string;
  password: string;
  name: string;
  email: string;
  roles: Role[];
}

/**
 * The accounts of local runs and tests, one per role of spec §5.1. Their passwords are public on
 * purpose: this provider only ever listens on loopback.
 */
export const DEV_USERS: readonly DevUser[] = [
  { username: 'admin', password: 'admin', name: 'Ada Admin', email: 'admin@lcm.local', roles: ['admin'] },
  { username: 'manager', password: 'manager', name: 'Max Manager', email: 'manager@lcm.local', roles: ['manager'] },
  { username: 'user', password: 'user', name: 'Uma User', email: 'user@lcm.local', roles: ['user'] },
];
