import type { FormState } from './draft';

/** What each section of the create form gets: the state, a way to change it, and the problems of a field. */
export interface SectionProps {
  state: FormState;
  update: (changes: Partial<FormState>) => void;
  /** The problems Meta's rules find in a field (`body.text`, `buttons[1].url`, …), once the person tried to submit. */
  errorOf: (field: string) => string | undefined;
}
