// The one kind of error inference reports to the client as is: what failed and what to do about it.

/** A problem with the request or the run, worded for the user; anything else is a bug and is logged. */
export class InferenceError extends Error {
  override readonly name = 'InferenceError';
}
