import { ContractClient } from './contract-client';

/** The dashboard's one client of the control plane (same origin, session cookie). */
export const api = new ContractClient();
