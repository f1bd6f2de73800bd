"""WordPress bodies (block markup, classic text, shortcodes) become sanitised Midad bodies."""

from wordpress.content import plain_text, to_body, wpautop


def test_block_comments_are_dropped_and_their_html_kept():
    body = to_body(
        "<!-- wp:paragraph -->\n<p>فقرة</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:heading {"level":3} -->\n<h3>عنوان</h3>\n<!-- /wp:heading -->\n'
        "<!-- wp:separator /-->"
    )

    assert body == "<p>فقرة</p>\n<h3>عنوان</h3>"


def test_block_markup_is_not_given_extra_paragraphs():
    assert to_body("<!-- wp:html -->\n<ul>\n<li>أ</li>\n<li>ب</li>\n</ul>\n<!-- /wp:html -->") == (
        "<ul>\n<li>أ</li>\n<li>ب</li>\n</ul>"
    )


def test_classic_text_gets_paragraphs_and_line_breaks_like_wpautop():
    assert wpautop("الأولى\nتكملة\n\nالثانية") == "<p>الأولى<br />\nتكملة</p>\n<p>الثانية</p>\n"
    assert to_body("الأولى\nتكملة\n\n\n\nالثانية") == "<p>الأولى<br>\nتكملة</p>\n<p>الثانية</p>"


def test_classic_lists_and_quotes_are_not_wrapped_in_paragraphs():
    body = to_body("مقدمة\n\n<ul>\n<li>واحد</li>\n<li>اثنان</li>\n</ul>\n\n<blockquote>قول</blockquote>")

    assert "<p>مقدمة</p>" in body
    assert "<ul>" in body
    assert "<p><ul>" not in body
    assert "<p><li>" not in body
    assert "<blockquote><p>قول</p></blockquote>" in body


def test_a_caption_shortcode_becomes_a_figure_with_its_caption():
    body = to_body(
        '[caption id="attachment_5" align="alignright" width="300"]<a href="/x.jpg">'
        '<img src="/media/a.jpg" alt="السوق" width="300" height="200" /></a> سوق <b>الخضار</b>[/caption]'
    )

    assert body == (  # the allow-list keeps captions plain
        '<figure><img src="/media/a.jpg" alt="السوق" width="300" height="200">'
        "<figcaption>سوق الخضار</figcaption></figure>"
    )


def test_the_old_caption_attribute_is_read_too():
    body = to_body('[caption caption="عنوان الصورة" width="300"]<img src="/media/a.jpg" alt="">[/caption]')

    assert body == '<figure><img src="/media/a.jpg" alt=""><figcaption>عنوان الصورة</figcaption></figure>'


def test_a_bare_youtube_or_x_url_on_its_own_line_becomes_a_plain_link():
    body = to_body("قبل\n\nhttps://www.youtube.com/watch?v=abc123\n\nhttps://x.com/user/status/42\n\nبعد")

    assert body == (
        "<p>قبل</p>\n"
        '<p><a href="https://www.youtube.com/watch?v=abc123">https://www.youtube.com/watch?v=abc123</a></p>\n'
        '<p><a href="https://x.com/user/status/42">https://x.com/user/status/42</a></p>\n'
        "<p>بعد</p>"
    )


def test_a_url_inside_a_sentence_is_left_alone():
    assert to_body("شاهد https://youtu.be/abc هنا") == "<p>شاهد https://youtu.be/abc هنا</p>"


def test_embed_blocks_shortcodes_and_iframes_become_links():
    body = to_body(
        '<!-- wp:embed {"url":"https://youtu.be/abc"} -->\n'
        '<figure class="wp-block-embed is-provider-youtube"><div class="wp-block-embed__wrapper">\n'
        "https://youtu.be/abc\n</div><figcaption>المؤتمر الصحفي</figcaption></figure>\n<!-- /wp:embed -->"
    )
    assert body == '<p><a href="https://youtu.be/abc">https://youtu.be/abc</a></p>\n<p>المؤتمر الصحفي</p>'

    assert to_body("[embed]https://twitter.com/a/status/1[/embed]") == (
        '<p><a href="https://twitter.com/a/status/1">https://twitter.com/a/status/1</a></p>'
    )
    assert to_body('<iframe src="https://www.youtube.com/embed/xyz?rel=0" width="560"></iframe>') == (
        '<p><a href="https://www.youtube.com/watch?v=xyz">https://www.youtube.com/watch?v=xyz</a></p>'
    )


def test_other_shortcodes_are_removed_but_their_text_stays():
    body = to_body('[contact-form-7 id="3" title="نموذج"]\n\n[box type="note"]ملاحظة [b]مهمة[/b][/box]')

    assert body == "<p>ملاحظة مهمة</p>"


def test_brackets_in_prose_are_not_taken_for_shortcodes():
    assert to_body("[تحديث] وصل الوفد [sic] أمس") == "<p>[تحديث] وصل الوفد [sic] أمس</p>"


def test_a_gallery_becomes_figures_of_its_pictures():
    def gallery(ids):
        assert ids == ["4", "5"]
        return [("/media/4.jpg", "أربعة", "الأولى"), ("/media/5.jpg", "خمسة", "")]

    body = to_body('[gallery ids="4,5"]', gallery=gallery)

    assert body == (
        '<figure><img src="/media/4.jpg" alt="أربعة"><figcaption>الأولى</figcaption></figure>'
        '<figure><img src="/media/5.jpg" alt="خمسة"></figure>'
    )


def test_scripts_and_event_handlers_do_not_survive():
    body = to_body(
        '<p onclick="steal()">نص</p><script>alert(1)</script><img src="x" onerror="alert(1)">'
        '<a href="javascript:alert(1)">رابط</a><style>p{}</style><iframe src="javascript:alert(1)"></iframe>'
    )

    for hostile in ("script", "onclick", "onerror", "javascript:", "alert", "style", "iframe"):
        assert hostile not in body
    assert "نص" in body
    assert "رابط" in body


def test_headings_outside_midads_levels_are_kept_as_headings():
    assert to_body("<h1>أ</h1><h5>ب</h5><h6>ج</h6>") == "<h2>أ</h2>\n<h4>ب</h4>\n<h4>ج</h4>"


def test_image_addresses_are_rewritten_by_the_given_mapping():
    def image_url(url, context):
        return "/media/new.jpg" if "uploads" in url else None

    body = to_body(
        '<p><a href="https://old.example.com/wp-content/uploads/a.jpg">'
        '<img src="https://old.example.com/wp-content/uploads/a-300x200.jpg" srcset="x 300w" alt="أ"></a>'
        '<img src="https://elsewhere.example/b.jpg" alt="ب"></p>',
        image_url=image_url,
    )

    assert body == (
        '<p><a href="/media/new.jpg"><img src="/media/new.jpg" alt="أ"></a>'
        '<img src="https://elsewhere.example/b.jpg" alt="ب"></p>'
    )


def test_plain_text_keeps_line_breaks_and_drops_tags_and_entities():
    assert plain_text("أهلاً <b>بكم</b> &amp; مرحباً<br>سطر<p>فقرة</p>") == "أهلاً بكم & مرحباً\nسطر\n\nفقرة"
