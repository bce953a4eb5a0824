import { Body, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

const brand = "#4f46e5";
const styles = {
  body: { backgroundColor: "#f4f4f7", fontFamily: "-apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif", margin: 0, padding: "24px 0" },
  container: { backgroundColor: "#ffffff", borderRadius: "8px", maxWidth: "560px", margin: "0 auto", padding: "0 0 16px" },
  header: { backgroundColor: brand, borderRadius: "8px 8px 0 0", padding: "16px 24px" },
  brand: { color: "#ffffff", fontSize: "18px", fontWeight: 700, margin: 0 },
  workspace: { color: "#e0e7ff", fontSize: "13px", margin: "4px 0 0" },
  content: { padding: "8px 24px" },
  footer: { color: "#6b7280", fontSize: "12px", lineHeight: "18px", padding: "0 24px" },
} as const;

export const textStyle = { color: "#111827", fontSize: "15px", lineHeight: "22px" } as const;
export const buttonStyle = {
  backgroundColor: brand,
  borderRadius: "6px",
  color: "#ffffff",
  display: "inline-block",
  fontSize: "15px",
  fontWeight: 600,
  padding: "10px 18px",
  textDecoration: "none",
} as const;

export interface LayoutProps {
  /** The first line inbox lists show. */
  preview: string;
  title: string;
  /** The business the email is about, under the OrbisVoice header. */
  workspaceName?: string | undefined;
  /** Why the recipient got this email (the footer's first line). */
  reason: string;
  /** Optional emails only: the one-click unsubscribe link. */
  unsubscribeUrl?: string | undefined;
  children: ReactNode;
}

/** The one branded frame of every email: header, the workspace's name, content, footer (why, unsubscribe). */
export function Layout({ preview, title, workspaceName, reason, unsubscribeUrl, children }: LayoutProps) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Section style={styles.header}>
            <Text style={styles.brand}>OrbisVoice</Text>
            {workspaceName ? <Text style={styles.workspace}>{workspaceName}</Text> : null}
          </Section>
          <Section style={styles.content}>
            <Heading as="h1" style={{ fontSize: "20px", color: "#111827" }}>
              {title}
            </Heading>
            {children}
          </Section>
          <Hr />
          <Section style={styles.footer}>
            <Text style={styles.footer}>{reason}</Text>
            {unsubscribeUrl ? (
              <Text style={styles.footer}>
                Don’t want these emails? <Link href={unsubscribeUrl}>Unsubscribe</Link> with one click, or change your notification preferences on your account
                page.
              </Text>
            ) : null}
          </Section>
        </Container>
      </Body>
    </Html>
  );
}
