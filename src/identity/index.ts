export { JwtIdentityVerifier, NoTokenVerifier, DEFAULT_METADATA_KEY, type JwtVerifierOptions } from './jwt-verifier';
export { SlidingWindowLimiter, type SlidingWindowOptions } from './attempt-limiter';
export { SharedAttemptLimiter } from './shared-attempt-limiter';
export { identityFromConfig, type IdentitySettings } from './from-config';
