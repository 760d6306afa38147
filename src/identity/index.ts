export { JwtIdentityVerifier, NoTokenVerifier, DEFAULT_METADATA_KEY, type JwtVerifierOptions } from './jwt-verifier';
export { SlidingWindowLimiter, type SlidingWindowOptions } from './attempt-limiter';
export { SharedAttemptLimiter } from './shared-attempt-limiter';
export { verifyOrderAccess, sameEmail, type OrderAccess, type OrderAccessInput } from './order-access';
export { identityFromConfig, type IdentitySettings } from './from-config';
