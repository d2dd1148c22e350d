/**
 * Channel test files (<channel>.test.yaml, schemas/channel-test.schema.json): channels are tested
 * like code. Each case builds an order in a status, submits one action and states the verdict.
 */
import type { Channel } from '../../channel/model.ts';
import type { Finding } from '../../documents/finding.ts';
import type { NormalizedOrder } from '../../order/model.ts';
import type { ActionInput, ValidationResult } from '../validate.ts';

export interface Expectation {
  allowed: boolean;
  status?: string;
  errors?: string[];
  warnings?: string[];
  request?: Record<string, unknown>;
}

/** Where something sits in a test file, for messages and JUnit. */
export interface Location {
  file: string;
  line: number;
  column: number;
}

export interface TestCase {
  name: string;
  source?: string;
  location: Location;
  order: NormalizedOrder;
  action: ActionInput;
  expect: Expectation;
}


/** A test file, loaded: its channel and cases, or the problems that kept it from loading. */
export interface TestFile {
  file: string;
  channel?: Channel;
  cases: TestCase[];
  /** Located findings (YAML, schema, the channel, the cases' orders); CHANNEL_TEST_INVALID for the cases'. */
  problems: Finding[];
}

export interface CaseResult {
  testCase: TestCase;
  passed: boolean;
  /** Why it failed, one line each ("expected errors [...], got [...]"). */
  differences: string[];
  verdict: ValidationResult;
}

export interface Coverage {
  channel: string;
  /** Every (status, action) pair: mapped statuses x the channel's actions. */
  total: number;
  covered: number;
  missing: Array<{ status: string; action: string }>;
}

export interface FileResult {
  file: TestFile;
  results: CaseResult[];
}

export interface RunSummary {
  files: FileResult[];
  coverage: Coverage[];
  passed: number;
  failed: number;
  /** Files that could not be loaded (each counts as a failure). */
  invalid: number;
}
