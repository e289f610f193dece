//! The pages' own words (signing in, filters, headings), in English, Hindi and
//! Persian. The books' words come from the core's catalogue
//! (`daftar_core::catalogue`), so the pages and the phone agree.

use daftar_core::org::Locale;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    Title,
    SignIn,
    Token,
    TokenHelp,
    SignOut,
    WrongToken,
    Show,
    NotSynced30,
    GradeCOrD,
    Par30Above10,
    Groups,
    Shown,
    SubNodes,
    Verified,
    NotYetConsolidated,
    SavingsAndLoansByMonth,
    Par30ByMonth,
    GradeDistribution,
    Never,
    Home,
    Forbidden,
    NotFound,
    BadRequest,
    Failed,
    SignedInAs,
    NoGroups,
    ComputedByCore,
}

/// `text` in `locale`: English, Hindi, Persian.
pub fn text(text: Text, locale: Locale) -> &'static str {
    let (en, hi, fa) = match text {
        Text::Title => ("daftar: federation books", "दफ़्तर: संघ की पुस्तकें", "دفتر: دفاتر فدراسیون"),
        Text::SignIn => ("Sign in", "साइन इन करें", "ورود"),
        Text::Token => ("Access token", "एक्सेस टोकन", "رمز دسترسی"),
        Text::TokenHelp => (
            "The token your administrator gave you (daftar-server user).",
            "आपके व्यवस्थापक द्वारा दिया गया टोकन (daftar-server user)।",
            "رمزی که مدیر سامانه به شما داده است (daftar-server user).",
        ),
        Text::SignOut => ("Sign out", "साइन आउट", "خروج"),
        Text::WrongToken => (
            "That token is not known. Check it with your administrator.",
            "यह टोकन ज्ञात नहीं है। अपने व्यवस्थापक से जाँच करें।",
            "این رمز شناخته نیست. با مدیر سامانه بررسی کنید.",
        ),
        Text::Show => ("Show", "दिखाएँ", "نمایش"),
        Text::NotSynced30 => (
            "not synced for 30 days",
            "30 दिनों से सिंक नहीं",
            "۳۰ روز بدون همگام‌سازی",
        ),
        Text::GradeCOrD => ("grade C or D", "ग्रेड C या D", "رتبه C یا D"),
        Text::Par30Above10 => ("PAR30 above 10%", "PAR30 10% से अधिक", "PAR30 بیش از ۱۰٪"),
        Text::Groups => ("Groups", "समूह", "گروه‌ها"),
        Text::Shown => ("shown", "दिखाए गए", "نمایش‌داده‌شده"),
        Text::SubNodes => ("Under this node", "इसके अंतर्गत", "زیرمجموعه‌ها"),
        Text::Verified => ("verified", "सत्यापित", "تأییدشده"),
        Text::NotYetConsolidated => (
            "not yet consolidated",
            "अभी समेकित नहीं",
            "هنوز تجمیع نشده",
        ),
        Text::SavingsAndLoansByMonth => (
            "Savings and loans outstanding by month",
            "महीनेवार बचत और बकाया ऋण",
            "پس‌انداز و مانده وام‌ها به تفکیک ماه",
        ),
        Text::Par30ByMonth => ("PAR30 by month", "महीनेवार PAR30", "PAR30 به تفکیک ماه"),
        Text::GradeDistribution => ("Groups by grade", "ग्रेड के अनुसार समूह", "گروه‌ها بر پایه رتبه"),
        Text::Never => ("never", "कभी नहीं", "هرگز"),
        Text::Home => ("Home", "मुख्य पृष्ठ", "خانه"),
        Text::Forbidden => (
            "You may not see this part of the hierarchy.",
            "आप पदानुक्रम का यह भाग नहीं देख सकते।",
            "شما اجازه دیدن این بخش از سلسله‌مراتب را ندارید.",
        ),
        Text::NotFound => ("Not found.", "नहीं मिला।", "پیدا نشد."),
        Text::BadRequest => ("That request is not valid:", "यह अनुरोध मान्य नहीं है:", "این درخواست معتبر نیست:"),
        Text::Failed => (
            "The server could not answer. Try again; if it goes on, tell the administrator.",
            "सर्वर उत्तर नहीं दे सका। फिर से प्रयास करें; यदि ऐसा होता रहे, तो व्यवस्थापक को बताएँ।",
            "سرور نتوانست پاسخ دهد. دوباره امتحان کنید؛ اگر ادامه داشت، به مدیر سامانه بگویید.",
        ),
        Text::SignedInAs => ("Signed in as", "साइन इन:", "واردشده با نام"),
        Text::NoGroups => (
            "No group's book has reached the server here yet.",
            "यहाँ अभी तक किसी समूह की पुस्तक सर्वर तक नहीं पहुँची है।",
            "هنوز دفتر هیچ گروهی در اینجا به سرور نرسیده است.",
        ),
        Text::ComputedByCore => (
            "Computed by daftar's core on the server's copy of the group's book, verified up to its chain head",
            "सर्वर पर समूह की पुस्तक की प्रति पर दफ़्तर के कोर द्वारा गणना, शृंखला शीर्ष तक सत्यापित",
            "محاسبه‌شده با هسته دفتر روی نسخه سرور از دفتر گروه، تأییدشده تا سر زنجیره",
        ),
    };
    match locale {
        Locale::EnIn => en,
        Locale::HiIn => hi,
        Locale::FaIr => fa,
    }
}

/// A node's or organisation's kind, as the hierarchy names it, in `locale`.
pub fn kind(kind: &str, locale: Locale) -> String {
    let (en, hi, fa) = match kind {
        "state" => ("State", "राज्य", "استان"),
        "district" => ("District", "ज़िला", "شهرستان"),
        "block" => ("Block", "प्रखंड", "بخش"),
        "clf" => ("CLF", "संकुल स्तरीय संघ", "فدراسیون خوشه"),
        "vo" => ("VO", "ग्राम संगठन", "سازمان روستا"),
        "shg" => ("SHG", "स्वयं सहायता समूह", "گروه خودیار"),
        "ngo" => ("NGO", "स्वैच्छिक संस्था", "سازمان مردم‌نهاد"),
        "fund" => ("Fund", "निधि", "صندوق"),
        other => return other.to_string(),
    };
    match locale {
        Locale::EnIn => en,
        Locale::HiIn => hi,
        Locale::FaIr => fa,
    }
    .to_string()
}
