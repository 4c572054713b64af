import { useCallback, useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldErrors } from '../lib/errors';

/** A check returns an i18n key for the problem, or null when the value is fine. */
export type Check = (value: string, values: Record<string, string>) => string | null;

/**
 * Small controlled-form state: values, per-field error texts (from local checks or from the
 * server's `details`), and the props a Mantine input needs.
 */
export function useForm<K extends string>(initial: Record<K, string>, checks: Partial<Record<K, Check>> = {}) {
  const { t } = useTranslation();
  const [values, setValues] = useState<Record<K, string>>(initial);
  const [errors, setErrors] = useState<Partial<Record<K, string>>>({});
  /** True when the last server error is fully shown next to fields (no need to repeat it above). */
  const [serverErrorShownInFields, setShownInFields] = useState(false);

  const setValue = useCallback((name: K, value: string) => {
    setValues((v) => ({ ...v, [name]: value }));
    setErrors((e) => ({ ...e, [name]: undefined }));
  }, []);

  const field = (name: K) => ({
    value: values[name],
    error: errors[name],
    onChange: (event: ChangeEvent<HTMLInputElement>) => setValue(name, event.currentTarget.value),
  });

  /** Runs the local checks; true when all pass. */
  const validate = (): boolean => {
    const found: Partial<Record<K, string>> = {};
    for (const name of Object.keys(checks) as K[]) {
      const problem = checks[name]?.(values[name], values);
      if (problem) found[name] = t(problem);
    }
    setErrors(found);
    return Object.keys(found).length === 0;
  };

  /** Puts the server's field messages next to the matching inputs; `extra` texts take precedence. */
  const showServerErrors = (err: unknown, extra: Partial<Record<K, string>> = {}) => {
    const fromServer = fieldErrors(err);
    const found: Partial<Record<K, string>> = {};
    const names = Object.keys(values);
    for (const name of names as K[]) {
      const message = fromServer[name];
      if (message) found[name] = message;
    }
    Object.assign(found, extra);
    setErrors(found);
    const serverFields = Object.keys(fromServer);
    setShownInFields(
      Object.keys(extra).length > 0 || (serverFields.length > 0 && serverFields.every((f) => names.includes(f))),
    );
  };

  /** A form's onSubmit: the page stays put, and `action` runs only when the local checks pass. */
  const submitWith = (action: () => Promise<unknown>) => (event: FormEvent) => {
    event.preventDefault();
    if (validate()) void action();
  };

  const reset = (next: Record<K, string>) => {
    setValues(next);
    setErrors({});
    setShownInFields(false);
  };

  return { values, errors, field, setValue, validate, submitWith, showServerErrors, serverErrorShownInFields, reset };
}
