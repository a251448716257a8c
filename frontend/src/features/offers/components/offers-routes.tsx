import { Anchor, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, Route, Routes, useNavigate, useParams } from "react-router";
import { NotFoundPage } from "@/components/layouts/not-found";
import { paths } from "@/config/paths";
import { OfferDetail } from "@/features/offers/components/offer-detail";
import { OfferEditor } from "@/features/offers/components/offer-editor";
import { OffersList } from "@/features/offers/components/offers-list";

function NewOfferPage() {
  const { t } = useTranslation("offers");
  const navigate = useNavigate();
  return (
    <Stack gap="md">
      <Anchor component={Link} to={paths.offers} size="sm">
        ← {t("detail.back")}
      </Anchor>
      <div>
        <Title order={1}>{t("editor.title")}</Title>
        <Text c="dimmed">{t("editor.subtitle")}</Text>
      </div>
      <OfferEditor onCreated={(offer) => void navigate(paths.offer(offer.id))} />
    </Stack>
  );
}

function OfferPage() {
  const { offerId = "" } = useParams();
  return <OfferDetail offerId={offerId} />;
}

/** The Offers tab: the catalogue grouped by category, the editor, and one offer's page. */
export function OffersRoutes() {
  return (
    <Routes>
      <Route index element={<OffersList />} />
      <Route path="new" element={<NewOfferPage />} />
      <Route path=":offerId" element={<OfferPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
