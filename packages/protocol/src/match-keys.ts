/**
 * How leads are matched: emails compare case-insensitively, phones by their digits (and a leading +). The core
 * looks leads up by these keys and the store indexes them, so the rule is written once, here.
 */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();
export const normalizePhone = (phone: string) => {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, '');
  return digits ? (trimmed.startsWith('+') ? `+${digits}` : digits) : null;
};
