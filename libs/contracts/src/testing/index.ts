// Test documents shared by the libraries' and the apps' specs (`@lcm/contracts/testing`); never
// imported by production code.
export * from './sample-documents';
export * from './blank-documents';
