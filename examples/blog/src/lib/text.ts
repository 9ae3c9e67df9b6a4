// Dates and reading time as the pages show them (at build time and in the browser).

/** `2024년 11월 2일`, in the site's time zone. */
export function formatDate(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return "";
  return new Intl.DateTimeFormat("ko-KR", { dateStyle: "long", timeZone }).format(new Date(iso));
}

export const readingTime = (minutes: number) => `${Math.max(1, minutes)}분 분량`;
