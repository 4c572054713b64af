/** What other WhatsApp modules use of the template manager (README.md beside this file). */
export { checkTemplateSend, isTemplateUsable, templateCategory, type SendableTemplate, type TemplateRef, type TemplateUsability } from './template-send-check.js';
export { expectedParameters, renderTemplate, type ParameterExpectation, type RenderedTemplate } from './template-params.js';
export type { TemplateStatusUpdateInput, TemplateStatusUpdateResult } from './template-status-update.js';
export { registerWhatsAppTemplates, type WhatsAppTemplates } from './templates.module.js';
