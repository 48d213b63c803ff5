// The OpenShift API double (see server.ts): `const double = await startOpenShiftDouble()`.
export * from './context';
export * from './server';
export * from './state';
export * from './registry-signatures';
