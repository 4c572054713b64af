import type { Notification } from '../../notifications/notifier.js';
import type { RuleKind } from './automation-decision.js';

/** What the tenant is told when an automation stops (pure). */

const KIND_EN: Record<RuleKind, string> = {
  welcome: 'welcome message',
  away: 'away message',
  keyword: 'keyword rule',
  opt_out: 'opt-out confirmation',
  opt_in: 'opt-in confirmation',
};

const KIND_HI: Record<RuleKind, string> = {
  welcome: 'स्वागत संदेश',
  away: 'अनुपस्थिति संदेश',
  keyword: 'कीवर्ड नियम',
  opt_out: 'ऑप्ट-आउट पुष्टि',
  opt_in: 'ऑप्ट-इन पुष्टि',
};

export function automationStoppedNotice(rule: { tenant_id: string; number_id: string; kind: RuleKind; name: string }, reason: string): Notification {
  const label = rule.name ? ` “${rule.name.slice(0, 80)}”` : '';
  return {
    userId: rule.tenant_id,
    topic: 'service_updates',
    kind: 'whatsapp.automation_stopped',
    title: { en: `Automation stopped: ${KIND_EN[rule.kind]}${label}`, hi: `ऑटोमेशन रुका: ${KIND_HI[rule.kind]}${label}` },
    body: {
      en: `${reason.slice(0, 1500)} The automation sends nothing until you choose a usable template and save it, or enable it again.`,
      hi: `${reason.slice(0, 1500)} जब तक आप कोई उपयोग योग्य टेम्पलेट चुनकर सहेजते नहीं या इसे फिर से चालू नहीं करते, यह ऑटोमेशन कुछ नहीं भेजेगा।`,
    },
    link: `/whatsapp/automations?number=${rule.number_id}`,
  };
}
