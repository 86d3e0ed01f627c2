/** Match keys: emails compare case-insensitively, phones by their digits (and a leading +). */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();
export const normalizePhone = (phone: string) => {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, '');
  return digits ? (trimmed.startsWith('+') ? `+${digits}` : digits) : null;
};
