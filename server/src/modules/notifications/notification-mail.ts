import type { Notification } from './notifier.js';

type Language = 'en' | 'hi';

const WORDS: Record<Language, { greeting: (name: string) => string; open: string; footer: string }> = {
  en: {
    greeting: (name) => `Namaste ${name},`,
    open: 'Open',
    footer: 'You receive this because of your communication preferences. Change them here:',
  },
  hi: {
    greeting: (name) => `नमस्ते ${name},`,
    open: 'खोलें',
    footer: 'यह संदेश आपकी संचार प्राथमिकताओं के अनुसार भेजा गया है। इन्हें यहाँ बदलें:',
  },
};

/** The subject and plain-text body of a notification email, in the person's language. */
export function notificationMail(n: Notification, to: { name: string; language: Language }, publicUrl: string): { subject: string; text: string } {
  const lang = to.language === 'hi' ? 'hi' : 'en';
  const w = WORDS[lang];
  const lines = [w.greeting(to.name), '', n.body[lang]];
  if (n.link) lines.push('', `${w.open}: ${publicUrl}${n.link}`);
  lines.push('', '—', w.footer, `${publicUrl}/preferences`, '');
  return { subject: n.title[lang], text: lines.join('\n') };
}
