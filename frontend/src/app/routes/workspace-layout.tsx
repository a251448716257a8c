import {
  AppShell,
  Badge,
  Burger,
  Button,
  Group,
  Kbd,
  NavLink,
  Stack,
  Text,
  Tooltip,
  UnstyledButton,
} from "@mantine/core";
import { useDisclosure, useHotkeys } from "@mantine/hooks";
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { NavLink as RouterNavLink, Outlet, useLocation, useNavigate } from "react-router";
import { HeaderPreferences } from "@/app/routes/header-preferences";
import { PageLoader } from "@/components/layouts/page-loader";
import { paths } from "@/config/paths";
import { RequireSession } from "@/features/auth/components/require-session";
import { setUnauthenticatedHandler } from "@/lib/api-client";
import { can, type Permission } from "@/lib/authorization";
import { clearSession, useSession } from "@/lib/session";

// Spotlight and its search are loaded on first use, outside the entry chunk.
const GlobalSearch = lazy(async () => ({
  default: (await import("@/features/search/components/global-search")).GlobalSearch,
}));

type NavItem = { to: string; label: string; permission: Permission };

function WorkspaceNavigation({ onNavigate }: { onNavigate: () => void }) {
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();
  const items: NavItem[] = [
    { to: paths.home, label: t("nav.dashboard"), permission: "clients:read" },
    { to: paths.clients, label: t("nav.clients"), permission: "clients:read" },
    { to: paths.offers, label: t("nav.offers"), permission: "offers:read" },
    { to: paths.contracts, label: t("nav.contracts"), permission: "contracts:read" },
    { to: paths.invoices, label: t("nav.invoices"), permission: "invoices:read" },
    { to: paths.collections, label: t("nav.collections"), permission: "collections:read" },
  ];
  return (
    <Stack component="nav" aria-label={t("nav.main")} gap={4}>
      {items.map((item) => {
        const allowed = can(session, item.permission);
        const active =
          item.to === paths.home ? location.pathname === "/" : location.pathname.startsWith(item.to);
        if (!allowed) {
          // Shown but disabled with the reason, so an operator knows the section exists and why it is closed.
          return (
            <Tooltip key={item.to} label={t("nav.not_allowed")} position="right">
              <NavLink label={item.label} disabled aria-disabled description={t("nav.not_allowed")} />
            </Tooltip>
          );
        }
        return (
          <NavLink
            key={item.to}
            component={RouterNavLink}
            to={item.to}
            label={item.label}
            active={active}
            variant="filled"
            onClick={onNavigate}
            aria-current={active ? "page" : undefined}
          />
        );
      })}
    </Stack>
  );
}

function SearchTrigger({ onOpen }: { onOpen: () => void }) {
  const { t } = useTranslation();
  return (
    <UnstyledButton
      onClick={onOpen}
      aria-label={`${t("header.search")} (Ctrl+K)`}
      px="sm"
      py={6}
      style={{
        border: "1px solid var(--mantine-color-default-border)",
        borderRadius: "var(--mantine-radius-md)",
        minWidth: 220,
      }}
    >
      <Group justify="space-between" wrap="nowrap" gap="xl">
        <Text size="sm" c="dimmed">
          {t("header.search")}…
        </Text>
        <Kbd size="xs">Ctrl K</Kbd>
      </Group>
    </UnstyledButton>
  );
}

function SessionMenu() {
  const { t } = useTranslation();
  const session = useSession();
  if (!session) return null;
  return (
    <Group gap="xs" wrap="nowrap">
      <Stack gap={0} visibleFrom="md" align="flex-end">
        <Text size="sm" fw={600}>
          {t("header.signed_in_as", { username: session.username })}
        </Text>
        <Group gap={4}>
          {session.roles.map((role) => (
            <Badge key={role} size="xs" variant="light">
              {t(`roles.${role}`)}
            </Badge>
          ))}
        </Group>
      </Stack>
      <Button variant="default" size="xs" onClick={() => clearSession("signed_out")}>
        {t("header.sign_out")}
      </Button>
    </Group>
  );
}

/** The operator workspace: header with search, language and theme; navigation by role; the page. */
export function WorkspaceLayout() {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const navigate = useNavigate();
  const location = useLocation();
  const [searchLoaded, setSearchLoaded] = useState(false);
  const openSearch = useRef<(() => void) | null>(null);
  const requestSearch = useCallback(() => {
    if (openSearch.current) openSearch.current();
    else setSearchLoaded(true);
  }, []);
  const registerOpen = useCallback((open: () => void) => {
    openSearch.current = open;
  }, []);
  // Once loaded, Spotlight listens for the shortcut itself.
  useHotkeys(searchLoaded ? [] : [["mod+K", requestSearch]], [], true);

  useEffect(() => {
    // A 401 from any request ends the session: go to login and come back here afterwards.
    setUnauthenticatedHandler(() => {
      const back = `${window.location.pathname}${window.location.search}`;
      void navigate(`${paths.login}?next=${encodeURIComponent(back)}`, { replace: true });
    });
  }, [navigate]);

  return (
    <RequireSession>
      <a className="skip-link" href="#main-content">
        {t("skip_to_content")}
      </a>
      <AppShell
        header={{ height: 60 }}
        navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }}
        padding="lg"
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Burger
                opened={opened}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label={t("header.open_navigation")}
              />
              <Text fw={800} className="brand-text" size="lg" component="span">
                {t("app_name")}
              </Text>
              <Text size="sm" c="dimmed" visibleFrom="lg" component="span">
                {t("workspace")}
              </Text>
            </Group>
            <Group gap="md" wrap="nowrap">
              <SearchTrigger onOpen={requestSearch} />
              <HeaderPreferences />
              <SessionMenu />
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="sm">
          <WorkspaceNavigation onNavigate={close} />
        </AppShell.Navbar>
        <AppShell.Main id="main-content" tabIndex={-1}>
          <div style={{ maxWidth: "var(--mantine-other-contentMaxWidth, 1600px)", marginInline: "auto" }}>
            <Suspense fallback={<PageLoader />} key={location.pathname}>
              <Outlet />
            </Suspense>
          </div>
        </AppShell.Main>
      </AppShell>
      {searchLoaded && (
        <Suspense fallback={null}>
          <GlobalSearch registerOpen={registerOpen} />
        </Suspense>
      )}
    </RequireSession>
  );
}
