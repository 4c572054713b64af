import { useTranslation } from 'react-i18next';

/** Friendly name of an activity action ("auth.login" → "Signed in"); unknown codes stay as they are. */
export function useActionLabel(): (action: string) => string {
  const { i18n } = useTranslation();
  // Action codes contain dots, which i18next reads as nesting, so the table is read as one object.
  const table = (lng: string) =>
    i18n.getResource(lng, 'translation', 'activity.actions') as Record<string, string> | undefined;
  return (action) => table(i18n.resolvedLanguage ?? 'en')?.[action] ?? table('en')?.[action] ?? action;
}
