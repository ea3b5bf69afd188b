export const SESSION_CODEC = Symbol('lcm:session-codec');
export const OIDC_LOGIN_CLIENT = Symbol('lcm:oidc-login-client');
