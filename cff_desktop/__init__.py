"""cff_desktop: assess a commune against the child-friendly commune standard, offline."""

__version__ = "0.1.0"
APP_NAME = "cff_desktop"
APP_TITLE = "Đánh giá xã, phường, thị trấn phù hợp với trẻ em"
