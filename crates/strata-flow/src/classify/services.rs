//! Host name → (service, category), as nDPI's host-name content-match lists classify a
//! TLS SNI, QUIC SNI, HTTP Host or DNS query (`TLS.Google`, `DNS.Apple`, …).
//!
//! A pattern matches a host equal to it or ending in `.pattern` (domain suffix); a pattern
//! starting with `~` matches anywhere in the host (nDPI's substring rules, e.g. CDN prefixes).
//! The longest matching pattern wins, so a more specific rule (`play.google.com`) overrides
//! a general one (`google.com`). Some entries only change the category (ads and connectivity
//! checks keep the Google/Apple name, as nDPI's category lists do).

/// One service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    pub name: &'static str,
    pub category: &'static str,
}

const WEB: &str = "Web";

#[rustfmt::skip]
static TABLE: &[(&str, &str, &str)] = &[
    // Google family
    ("google.com", "Google", WEB), ("google.it", "Google", WEB), ("google.de", "Google", WEB),
    ("google.co.uk", "Google", WEB), ("google.fr", "Google", WEB), ("google.com.br", "Google", WEB),
    ("google.es", "Google", WEB), ("google.ca", "Google", WEB), ("google.co.in", "Google", WEB),
    ("google.co.jp", "Google", WEB), ("google.ru", "Google", WEB), ("google.nl", "Google", WEB),
    ("gstatic.com", "Google", WEB), ("googleusercontent.com", "Google", WEB),
    ("app-measurement.com", "Google", WEB), ("gvt1.com", "Google", WEB), ("gvt2.com", "Google", WEB),
    ("gvt3.com", "Google", WEB), ("goog", "Google", "Cloud"), ("google", "Google", WEB),
    ("googlemail.com", "GMail", "Email"), ("mail.google.com", "GMail", "Email"),
    ("gmail.com", "GMail", "Email"), ("mx.google.com", "Google", "Email"),
    ("android.com", "Google", WEB), ("connectivitycheck.android.com", "Google", "ConnCheck"),
    ("connectivitycheck.gstatic.com", "Google", "ConnCheck"),
    ("doubleclick.net", "Google", "Advertisement"), ("googlesyndication.com", "Google", "Advertisement"),
    ("googleadservices.com", "Google", "Advertisement"), ("google-analytics.com", "Google", "Advertisement"),
    ("adservice.google.com", "Google", "Advertisement"), ("googletagservices.com", "GoogleServices", WEB),
    ("googletagmanager.com", "GoogleServices", WEB),
    ("googleapis.com", "GoogleServices", WEB), ("mtalk.google.com", "GoogleServices", WEB),
    ("~-mtalk.google.com", "GoogleServices", WEB),
    ("googlezip.net", "DataSaver", WEB), ("datasaver.googleapis.com", "DataSaver", WEB),
    ("play.google.com", "PlayStore", "SoftwareUpdate"), ("android.clients.google.com", "PlayStore", "SoftwareUpdate"),
    ("play.googleapis.com", "PlayStore", "SoftwareUpdate"), ("play-fe.googleapis.com", "PlayStore", "SoftwareUpdate"),
    ("docs.google.com", "GoogleDocs", "Collaborative"), ("drive.google.com", "GoogleDrive", "Cloud"),
    ("youtube.com", "YouTube", "Media"), ("ytimg.com", "YouTube", "Media"), ("googlevideo.com", "YouTube", "Media"),
    ("youtu.be", "YouTube", "Media"), ("ggpht.com", "YouTube", "Media"), ("youtube-nocookie.com", "YouTube", "Media"),
    ("wide-youtube.l.google.com", "YouTube", "Media"), ("youtubei.googleapis.com", "YouTube", "Media"),
    ("upload.youtube.com", "YouTubeUpload", "Media"),
    ("~feelinsonice", "Snapchat", "SocialNetwork"), ("snapchat.com", "Snapchat", "SocialNetwork"),
    ("sc-cdn.net", "Snapchat", "SocialNetwork"),
    // Amazon
    ("amazon.com", "Amazon", WEB), ("amazon.de", "Amazon", WEB), ("amazon.co.uk", "Amazon", WEB),
    ("amazon.it", "Amazon", WEB), ("~images-amazon.com", "Amazon", WEB), ("amazon.fr", "Amazon", WEB),
    ("media-amazon.com", "Amazon", WEB), ("ssl-images-amazon.com", "Amazon", WEB),
    ("amazonaws.com", "AmazonAWS", "Cloud"), ("amazonvideo.com", "AmazonVideo", "Video"),
    ("primevideo.com", "AmazonVideo", "Video"),
    ("alexa.amazon.com", "AmazonAlexa", "VirtAssistant"), ("pitangui.amazon.com", "AmazonAlexa", "VirtAssistant"),
    ("avs-alexa-na.amazon.com", "AmazonAlexa", "VirtAssistant"), ("~alexa", "AmazonAlexa", "VirtAssistant"),
    // Apple
    ("apple.com", "Apple", WEB), ("mzstatic.com", "Apple", WEB), ("apple-dns.net", "Apple", WEB),
    ("captive.apple.com", "Apple", "ConnCheck"), ("cdn-apple.com", "Apple", WEB),
    ("icloud.com", "AppleiCloud", WEB), ("icloud-content.com", "AppleiCloud", WEB), ("me.com", "AppleiCloud", WEB),
    ("itunes.apple.com", "AppleiTunes", "Streaming"), ("itunes.com", "AppleiTunes", "Streaming"),
    ("push.apple.com", "ApplePush", "Cloud"), ("guzzoni.apple.com", "AppleSiri", "VirtAssistant"),
    ("~-buy.itunes.apple.com", "AppleStore", "SoftwareUpdate"), ("buy.itunes.apple.com", "AppleStore", "SoftwareUpdate"),
    // Meta
    ("facebook.com", "Facebook", "SocialNetwork"), ("fbcdn.net", "Facebook", "SocialNetwork"),
    ("facebook.net", "Facebook", "SocialNetwork"), ("fb.com", "Facebook", "SocialNetwork"),
    ("fbsbx.com", "Facebook", "SocialNetwork"), ("messenger.com", "Messenger", "Chat"),
    ("turner.facebook", "FacebookVoip", "VoIP"),
    ("~.fna.fbcdn.net", "FbookReelStory", "SocialNetwork"),
    ("instagram.com", "Instagram", "SocialNetwork"), ("cdninstagram.com", "Instagram", "SocialNetwork"),
    ("~igcdn-photos-", "Instagram", "SocialNetwork"), ("~instagramstatic-", "Instagram", "SocialNetwork"),
    ("instagram.faae1-1.fna.fbcdn.net", "FbookReelStory", "SocialNetwork"),
    ("whatsapp.net", "WhatsApp", "Chat"), ("whatsapp.com", "WhatsApp", "Chat"),
    ("cdn.whatsapp.net", "WhatsAppFiles", "Download"), ("mmg-fna.whatsapp.net", "WhatsAppFiles", "Download"),
    ("mmg.whatsapp.net", "WhatsAppFiles", "Download"), ("fna.whatsapp.net", "WhatsAppFiles", "Download"),
    // Microsoft
    ("microsoft.com", "Microsoft", WEB), ("msn.com", "Microsoft", WEB), ("windows.com", "Microsoft", WEB),
    ("windowsupdate.com", "WindowsUpdate", "SoftwareUpdate"), ("update.microsoft.com", "WindowsUpdate", "SoftwareUpdate"),
    ("live.com", "Microsoft365", "Collaborative"), ("office.com", "Microsoft365", "Collaborative"),
    ("office365.com", "Microsoft365", "Collaborative"), ("outlook.com", "Microsoft365", "Collaborative"),
    ("bing.com", "Microsoft365", "Collaborative"), ("office.net", "Microsoft365", "Collaborative"),
    ("onedrive.com", "MS_OneDrive", "Cloud"), ("teams.microsoft.com", "Teams", "Collaborative"),
    ("skype.com", "Teams", "Collaborative"), ("skypeassets.com", "Teams", "Collaborative"),
    ("lync.com", "Teams", "Collaborative"),
    ("azure.com", "Azure", "Cloud"), ("azureedge.net", "Azure", "Cloud"), ("trafficmanager.net", "Azure", "Cloud"),
    ("msads.net", "Azure", "Cloud"), ("windows.net", "Azure", "Cloud"), ("cloudapp.net", "Azure", "Cloud"),
    ("xboxlive.com", "Xbox", "Game"), ("linkedin.com", "LinkedIn", "SocialNetwork"),
    ("github.com", "Github", "Collaborative"), ("githubusercontent.com", "Github", "Collaborative"),
    // Chat, VoIP, social
    ("zoom.us", "Zoom", "Video"), ("zoom.com", "Zoom", "Video"),
    ("webex.com", "Webex", "VoIP"), ("wbx2.com", "Webex", "VoIP"), ("ciscospark.com", "Webex", "VoIP"),
    ("wechat.com", "WeChat", "Chat"), ("weixin.qq.com", "QQ", "Chat"), ("wx.qq.com", "QQ", "Chat"),
    ("qq.com", "QQ", "Chat"), ("qpic.cn", "QQ", "Chat"), ("gtimg.cn", "QQ", "Chat"),
    ("kakao.com", "KakaoTalk", "Chat"), ("kakao.co.kr", "KakaoTalk", "Chat"), ("kakaocdn.net", "KakaoTalk", "Chat"),
    ("line.naver.jp", "Line", "Chat"), ("line.me", "Line", "Chat"), ("line-scdn.net", "Line", "Chat"),
    ("line-apps.com", "Line", "Chat"),
    ("whispersystems.org", "Signal", "Chat"), ("signal.org", "Signal", "Chat"),
    ("viber.com", "Viber", "Chat"), ("telegram.org", "Telegram", "Chat"), ("t.me", "Telegram", "Chat"),
    ("slack.com", "Slack", "Collaborative"), ("slack-edge.com", "Slack", "Collaborative"),
    ("twitter.com", "Twitter", "SocialNetwork"), ("twimg.com", "Twitter", "SocialNetwork"),
    ("x.com", "Twitter", "SocialNetwork"),
    ("tiktok.com", "TikTok", "SocialNetwork"), ("tiktokcdn.com", "TikTok", "SocialNetwork"),
    ("reddit.com", "Reddit", "SocialNetwork"), ("redd.it", "Reddit", "SocialNetwork"),
    ("pinterest.com", "Pinterest", "SocialNetwork"), ("vk.com", "VK", "SocialNetwork"),
    ("discord.com", "Discord", "Collaborative"), ("discord.gg", "Discord", "Collaborative"),
    ("weibo.com", "SinaWeibo", "SocialNetwork"), ("weibo.cn", "SinaWeibo", "SocialNetwork"),
    ("sina.cn", "Sina", "SocialNetwork"), ("sinajs.cn", "Sina", "SocialNetwork"), ("sina.com.cn", "Sina", "SocialNetwork"),
    ("sinaimg.cn", "Sina", "SocialNetwork"),
    // Media and streaming
    ("netflix.com", "Netflix", "Video"), ("nflxvideo.net", "Netflix", "Video"), ("nflximg.net", "Netflix", "Video"),
    ("spotify.com", "Spotify", "Music"), ("scdn.co", "Spotify", "Music"),
    ("twitch.tv", "Twitch", "Video"), ("ttvnw.net", "Twitch", "Video"),
    ("iqiyi.com", "iQIYI", "Streaming"),
    // Category-only rules (nDPI category lists): the name stays the master protocol's.
    ("71.am", "", "Streaming"), ("quickplay.com", "", "Streaming"), ("tanx.com", "", "Advertisement"),
    ("detectportal.firefox.com", "", "ConnCheck"),
    ("1kxun.com", "1kxun", "Streaming"), ("1kxun.mobi", "1kxun", "Streaming"),
    ("deezer.com", "Deezer", "Music"), ("soundcloud.com", "SoundCloud", "Music"),
    ("dailymotion.com", "Dailymotion", "Video"), ("vimeo.com", "Vimeo", "Video"),
    // Games
    ("blizzard.com", "Blizzard", "Game"), ("battle.net", "Blizzard", "Game"), ("~bnetcmsus-", "Blizzard", "Game"),
    ("worldofwarcraft.com", "WorldOfWarcraft", "Game"),
    ("nintendo.com", "Nintendo", "Game"), ("nintendo.net", "Nintendo", "Game"),
    ("steampowered.com", "Steam", "Game"), ("steamcommunity.com", "Steam", "Game"),
    ("steamstatic.com", "Steam", "Game"), ("rockstargames.com", "RockstarGames", "Game"),
    ("epicgames.com", "EpicGames", "Game"), ("playstation.net", "Playstation", "Game"),
    // Other services
    ("dropbox.com", "Dropbox", "Cloud"), ("dropboxapi.com", "Dropbox", "Cloud"), ("getdropbox.com", "Dropbox", "Cloud"),
    ("dropboxstatic.com", "Dropbox", "Cloud"),
    ("alicdn.com", "Alibaba", WEB), ("aliyuncs.com", "Alibaba", WEB), ("mmstat.com", "Alibaba", WEB),
    ("alibaba.com", "Alibaba", WEB), ("aliexpress.com", "Alibaba", WEB),
    ("taobao.com", "Taobao", "Shopping"), ("xiaomi.com", "Xiaomi", WEB), ("mi.com", "Xiaomi", WEB),
    ("waze.com", "Waze", WEB), ("ntop.org", "ntop", "Network"),
    ("abuse.ch", "Cybersec", "Cybersecurity"), ("ff.avast.com", "Cybersec", "Cybersecurity"),
    ("mozilla.org", "Mozilla", WEB), ("mozilla.com", "Mozilla", WEB), ("firefox.com", "Mozilla", WEB),
    ("anydesk.com", "AnyDesk", "RemoteAccess"), ("teamviewer.com", "TeamViewer", "RemoteAccess"),
    ("opendns.com", "OpenDNS", "Network"), ("internetbadguys.com", "OpenDNS", "Network"),
    ("simplednscrypt.org", "DNScrypt", "Network"),
    ("wikipedia.org", "Wikipedia", WEB), ("yahoo.com", "Yahoo", WEB), ("ebay.com", "eBay", "Shopping"),
    ("cloudflare.com", "Cloudflare", WEB), ("paypal.com", "PayPal", WEB),
    ("ocsp.digicert.com", "OCSP", "Network"), ("ocsp.pki.goog", "OCSP", "Network"),
    ("forticlient.com", "FortiClient", "VPN"), ("nordvpn.com", "NordVPN", "VPN"),
    ("protonvpn.com", "ProtonVPN", "VPN"), ("tuenti.com", "Tuenti", "VoIP"),
    // DNS over HTTPS/TLS resolvers
    ("dns.google", "DoH_DoT", "Network"), ("dns.google.com", "DoH_DoT", "Network"),
    ("cloudflare-dns.com", "DoH_DoT", "Network"), ("dns.cloudflare.com", "DoH_DoT", "Network"),
    ("dns.adguard.com", "DoH_DoT", "Network"), ("dns.quad9.net", "DoH_DoT", "Network"),
    ("quad9.net", "DoH_DoT", "Network"), ("dns.nextdns.io", "DoH_DoT", "Network"),
    ("dns.aa.net.uk", "DoH_DoT", "Network"), ("dns.digitale-gesellschaft.ch", "DoH_DoT", "Network"),
    ("dns.dnshome.de", "DoH_DoT", "Network"), ("dnscrypt.ca", "DoH_DoT", "Network"),
    ("alekberg.net", "DoH_DoT", "Network"), ("doh-2.seby.io", "DoH_DoT", "Network"), ("doh.seby.io", "DoH_DoT", "Network"),
    ("doh.appliedprivacy.net", "DoH_DoT", "Network"), ("doh.bortzmeyer.fr", "DoH_DoT", "Network"),
    ("doh.crypto.sx", "DoH_DoT", "Network"), ("doh.dnslify.com", "DoH_DoT", "Network"),
    ("doh.ffmuc.net", "DoH_DoT", "Network"), ("doh.libredns.gr", "DoH_DoT", "Network"),
    ("doh.powerdns.org", "DoH_DoT", "Network"), ("doh.dns.snopyta.org", "DoH_DoT", "Network"),
    ("ibksturm.synology.me", "DoH_DoT", "Network"), ("jarjar.meganerd.nl", "DoH_DoT", "Network"),
    ("tiar.app", "DoH_DoT", "Network"), ("tiarap.org", "DoH_DoT", "Network"),
    ("odvr.nic.cz", "DoH_DoT", "Network"), ("rdns.faelix.net", "DoH_DoT", "Network"),
    ("resolver-eu.lelux.fi", "DoH_DoT", "Network"), ("rumpelsepp.org", "DoH_DoT", "Network"),
    ("doh.opendns.com", "DoH_DoT", "Network"), ("dns.sb", "DoH_DoT", "Network"),
    ("doh.cleanbrowsing.org", "DoH_DoT", "Network"), ("dns.twnic.tw", "DoH_DoT", "Network"),
    ("dns.switch.ch", "DoH_DoT", "Network"), ("dns.mullvad.net", "DoH_DoT", "Network"),
];

/// The service `host` belongs to (the longest matching pattern), if any. Answers are cached
/// per thread (the same names recur in every capture; the table scan is linear).
pub fn lookup(host: &str) -> Option<Service> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    const CACHED: usize = 4096;
    thread_local! {
        static CACHE: RefCell<HashMap<Box<str>, Option<Service>>> = RefCell::new(HashMap::new());
    }
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(&s) = c.get(host) {
            return s;
        }
        let s = scan(host);
        if c.len() >= CACHED {
            c.clear();
        }
        c.insert(host.into(), s);
        s
    })
}

fn scan(host: &str) -> Option<Service> {
    let h = host.as_bytes();
    let mut best: Option<(usize, Service)> = None;
    for &(pat, name, category) in TABLE {
        let ok = match pat.strip_prefix('~') {
            Some(sub) => contains_ci(h, sub.as_bytes()),
            None => suffix_ci(h, pat.as_bytes()),
        };
        if ok && best.is_none_or(|(l, _)| pat.len() > l) {
            best = Some((pat.len(), Service { name, category }));
        }
    }
    best.map(|b| b.1)
}

fn suffix_ci(h: &[u8], pat: &[u8]) -> bool {
    if h.len() < pat.len() {
        return false;
    }
    let tail = &h[h.len() - pat.len()..];
    tail.eq_ignore_ascii_case(pat) && (h.len() == pat.len() || h[h.len() - pat.len() - 1] == b'.')
}

fn contains_ci(h: &[u8], pat: &[u8]) -> bool {
    !pat.is_empty() && h.windows(pat.len()).any(|w| w.eq_ignore_ascii_case(pat))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_suffix_wins() {
        assert_eq!(lookup("www.google.com").map(|s| s.name), Some("Google"));
        assert_eq!(lookup("play.google.com").map(|s| s.name), Some("PlayStore"));
        assert_eq!(
            lookup("r3---sn-hju7enel.googlevideo.com").map(|s| s.name),
            Some("YouTube")
        );
        assert_eq!(
            lookup("googleads.g.doubleclick.net").map(|s| s.category),
            Some("Advertisement")
        );
        assert_eq!(
            lookup("igcdn-photos-a-a.akamaihd.net").map(|s| s.name),
            Some("Instagram")
        );
        assert_eq!(lookup("notgoogle.com"), None);
        assert_eq!(lookup(""), None);
    }
}
