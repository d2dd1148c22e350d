/** Exit codes shared by every command (documented in README "Command line"). */
export const EXIT = {
  OK: 0,
  /** Findings, a denied action, failed channel tests: the command worked and said "no". */
  FINDINGS: 1,
  USAGE: 2,
  INTERNAL: 3,
} as const;
