import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Route, Routes } from "react-router";
import "./styles.css";
import { ApiError } from "./lib/api.ts";
import { RequireAuth } from "./lib/session.tsx";
import { AcceptInvite, Login, ResetPassword, Signup } from "./pages/public/Auth.tsx";
import { Features, Landing, NotFound, Pricing } from "./pages/public/content.tsx";
import { AffiliateDashboard, AffiliatesPage, AffiliateVerify } from "./pages/public/Affiliates.tsx";
import { Referrals } from "./pages/app/Referrals.tsx";
import { AdminConsole } from "./pages/admin/AdminConsole.tsx";
import { GuidePage, Guides } from "./pages/public/guides.tsx";
import { PublicLayout } from "./pages/public/PublicLayout.tsx";
import { AgentEditor, AgentsList } from "./pages/app/Agents.tsx";
import { AgentTools } from "./pages/app/AgentTools.tsx";
import { AgentTests } from "./pages/app/AgentTests.tsx";
import { ApiKeys } from "./pages/app/ApiKeys.tsx";
import { Webhooks } from "./pages/app/Webhooks.tsx";
import { Calendars } from "./pages/app/Calendars.tsx";
import { Appointments } from "./pages/app/Appointments.tsx";
import { AppLayout } from "./pages/app/AppLayout.tsx";
import { AuditLog } from "./pages/app/AuditLog.tsx";
import { CallPage, CallsList } from "./pages/app/Calls.tsx";
import { CampaignNew, CampaignPage, CampaignsList } from "./pages/app/Campaigns.tsx";
import { DoNotCall } from "./pages/app/CampaignsDoNotCall.tsx";
import { Messages } from "./pages/app/Messages.tsx";
import { Onboarding } from "./pages/app/Onboarding.tsx";
import { Overview } from "./pages/app/Overview.tsx";
import { PhoneNumbers } from "./pages/app/PhoneNumbers.tsx";
import { ProviderKeys } from "./pages/app/ProviderKeys.tsx";
import { Security } from "./pages/app/Security.tsx";
import { Settings, Team } from "./pages/app/Team.tsx";
import { TryAgent } from "./pages/app/TryAgent.tsx";
import { Usage } from "./pages/app/Usage.tsx";
import { Billing } from "./pages/app/Billing.tsx";
import { Analytics } from "./pages/app/Analytics.tsx";
import { ForgotPassword, VerifyEmail } from "./pages/public/EmailAuth.tsx";
import { Outbox } from "./pages/app/Outbox.tsx";
import { Privacy } from "./pages/app/Privacy.tsx";
import { PracticeLibrary } from "./pages/app/practice/PracticeLibrary.tsx";
import { PersonaEditor } from "./pages/app/practice/PersonaEditor.tsx";
import { ScenarioEditor } from "./pages/app/practice/ScenarioEditor.tsx";
import { PracticeHistory } from "./pages/app/practice/PracticeHistory.tsx";
import { PracticeSession } from "./pages/app/practice/PracticeSession.tsx";
import { PracticeProgress } from "./pages/app/practice/PracticeProgress.tsx";
import { PracticeTeam } from "./pages/app/practice/PracticeTeam.tsx";
import { PracticeGoals } from "./pages/app/practice/PracticeGoals.tsx";
import { PracticeActivities } from "./pages/app/practice/PracticeActivities.tsx";
import { WhatIf } from "./pages/app/practice/WhatIf.tsx";
import { PracticeSettings } from "./pages/app/practice/PracticeSettings.tsx";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: (n, err) => n < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500), refetchOnWindowFocus: false },
  },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Routes>
          <Route element={<PublicLayout />}>
            <Route index element={<Landing />} />
            <Route path="features" element={<Features />} />
            <Route path="pricing" element={<Pricing />} />
            <Route path="guides" element={<Guides />} />
            <Route path="guides/:slug" element={<GuidePage />} />
            <Route path="affiliates" element={<AffiliatesPage />} />
            <Route path="affiliates/verify" element={<AffiliateVerify />} />
            <Route path="affiliates/sign-in" element={<AffiliateVerify />} />
            <Route path="affiliates/dashboard" element={<AffiliateDashboard />} />
            <Route path="*" element={<NotFound />} />
          </Route>
          <Route
            path="admin/*"
            element={
              <RequireAuth>
                <AdminConsole />
              </RequireAuth>
            }
          />
          <Route path="login" element={<Login />} />
          <Route path="signup" element={<Signup />} />
          <Route path="reset-password" element={<ResetPassword />} />
          <Route path="forgot-password" element={<ForgotPassword />} />
          <Route path="verify-email" element={<VerifyEmail />} />
          <Route path="invite" element={<AcceptInvite />} />
          <Route
            path="onboarding"
            element={
              <RequireAuth>
                <Onboarding />
              </RequireAuth>
            }
          />
          <Route
            path="dashboard"
            element={
              <RequireAuth>
                <AppLayout />
              </RequireAuth>
            }
          >
            <Route index element={<Overview />} />
            <Route path="agents" element={<AgentsList />} />
            <Route path="agents/:id" element={<AgentEditor />} />
            <Route path="agents/:id/try" element={<TryAgent />} />
            <Route path="agents/:id/tools" element={<AgentTools />} />
            <Route path="agents/:id/tests" element={<AgentTests />} />
            <Route path="calls" element={<CallsList />} />
            <Route path="calls/:id" element={<CallPage />} />
            <Route path="campaigns" element={<CampaignsList />} />
            <Route path="campaigns/new" element={<CampaignNew />} />
            <Route path="campaigns/do-not-call" element={<DoNotCall />} />
            <Route path="campaigns/:id" element={<CampaignPage />} />
            <Route path="appointments" element={<Appointments />} />
            <Route path="messages" element={<Messages />} />
            <Route path="phone-numbers" element={<PhoneNumbers />} />
            <Route path="providers" element={<ProviderKeys />} />
            <Route path="usage" element={<Usage />} />
            <Route path="referrals" element={<Referrals />} />
            <Route path="billing" element={<Billing />} />
            <Route path="analytics" element={<Analytics />} />
            <Route path="audit" element={<AuditLog />} />
            <Route path="api-keys" element={<ApiKeys />} />
            <Route path="webhooks" element={<Webhooks />} />
            <Route path="calendars" element={<Calendars />} />
            <Route path="team" element={<Team />} />
            <Route path="settings" element={<Settings />} />
            <Route path="security" element={<Security />} />
            <Route path="privacy" element={<Privacy />} />
            <Route path="outbox" element={<Outbox />} />
            <Route path="practice" element={<PracticeLibrary />} />
            <Route path="practice/personas/:id" element={<PersonaEditor />} />
            <Route path="practice/scenarios/:id" element={<ScenarioEditor />} />
            <Route path="practice/sessions" element={<PracticeHistory />} />
            <Route path="practice/sessions/:id" element={<PracticeSession />} />
            <Route path="practice/progress" element={<PracticeProgress />} />
            <Route path="practice/team" element={<PracticeTeam />} />
            <Route path="practice/goals" element={<PracticeGoals />} />
            <Route path="practice/activities" element={<PracticeActivities />} />
            <Route path="practice/what-if" element={<WhatIf />} />
            <Route path="practice/settings" element={<PracticeSettings />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
