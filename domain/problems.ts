// A validation problem names the field (dotted path, e.g. "tranches.2.amount") and the reason.
export interface Problem {
  field: string;
  reason: string;
}
