from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ..common.options import SiteId


class PortalConfig(Config):
    enabled = c.Type(bool, default=True)

    # Settings for the navigation: content folder -> section title, in nav order
    sections = c.DictOfItems(c.Type(str), default={})
    # The home page's entry (default: the site language's word, 首页 or Home)
    home_title = c.Optional(c.Type(str))
    # Front-matter keys the site's own templates (theme/) or other plugins read,
    # beside Material's and Qinglian's: any other key is reported as misspelt
    front_matter_keys = c.ListOfItems(c.Type(str), default=[])


class ReportChannel(Config):
    """One way to report a problem, shown on the 监督举报 page."""

    name = c.Type(str)  # e.g. 举报电话
    detail = c.Type(str)  # e.g. 0000-00000000（工作日 8:00—17:30）


class HospitalConfig(Config):
    """The ``extra.hospital`` block that the theme shows in header and footer."""

    name = c.Type(str)
    short_name = c.Optional(c.Type(str))
    logo = c.Optional(c.Type(str))
    contact = c.ListOfItems(c.Type(str), default=[])
    # The hospital's own reporting channels, on the page with template report.html
    report_channels = c.ListOfItems(c.SubConfig(ReportChannel), default=[])
    # The one list of departments that profiles (quizzes, pledges) choose from
    departments = c.ListOfItems(c.Type(str), default=[])
    # Names this site's data in the browser; set it once and keep it, so a
    # renamed site keeps its people's records
    site_id = c.Optional(SiteId())
    # The record collector's POST address (…/api/v1/records); without it,
    # records stay in each browser
    collector_url = c.Optional(c.Type(str))
