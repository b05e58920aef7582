/** Raised by the pure rules in src/domain when input breaks them; shown to clients as VALIDATION. */
export class DomainRuleError extends Error {}
