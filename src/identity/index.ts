export { JwtIdentityVerifier, NoTokenVerifier, DEFAULT_METADATA_KEY, type JwtVerifierOptions } from './jwt-verifier';
export { VerificationBudget, type VerificationBudgetOptions, type VerificationLimits } from './verification-budget';
export { StoreQuotaCounter } from './store-quota';
export { identityFromConfig, type IdentitySettings } from './from-config';
